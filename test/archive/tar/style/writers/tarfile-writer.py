# Writes a tar of DIR's entry NAME with Python's tarfile, as `tar.add` does for each path of a sorted walk.
#   python3 tarfile-writer.py FORMAT DIR NAME > out.tar      FORMAT: gnu | pax | pax-global | ustar
# pax-global: PAX_FORMAT with a global header (tarfile's pax_headers argument).
# Members a format cannot hold (tarfile raises ValueError) are left out, as `tar` does.
import os
import sys
import tarfile

fmt = {'gnu': tarfile.GNU_FORMAT, 'pax': tarfile.PAX_FORMAT, 'pax-global': tarfile.PAX_FORMAT, 'ustar': tarfile.USTAR_FORMAT}[sys.argv[1]]
pax_headers = {'comment': 'a global header'} if sys.argv[1] == 'pax-global' else None
os.chdir(sys.argv[2])
with tarfile.open(fileobj=sys.stdout.buffer, mode='w|', format=fmt, pax_headers=pax_headers) as tar:
    def add(path):
        try:
            tar.add(path, recursive=False)
        except ValueError as err:
            print(f'left out {path!r}: {err}', file=sys.stderr)
        if os.path.isdir(path) and not os.path.islink(path):
            for name in sorted(os.listdir(path)):
                add(os.path.join(path, name))
    add(sys.argv[3])
