# Python's name rules, for parity tests: reads JSON [[hex path, ...]] on stdin, prints JSON results:
#   split: tarfile's _posix_split_name (shortest prefix), or null when it raises;
#   ascii: the path as create_pax_header puts it into a ustar field (encode('ascii', 'replace')).
import json
import sys
import tarfile

out = []
info = tarfile.TarInfo()
for h in json.load(sys.stdin):
    raw = bytes.fromhex(h)
    name = raw.decode('utf-8', 'surrogateescape')
    try:
        prefix, rest = info._posix_split_name(name, 'utf-8', 'surrogateescape')
        split = [prefix.encode('utf-8', 'surrogateescape').hex(), rest.encode('utf-8', 'surrogateescape').hex()]
    except ValueError:
        split = None
    out.append({'split': split, 'ascii': name.encode('ascii', 'replace').hex()})
json.dump(out, sys.stdout)
