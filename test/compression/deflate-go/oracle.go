// Oracle for the Go compress/flate tests (built by go-oracle.ts into a temp dir).
//
//	oracle batch              stdin: frames {int32 level, uint32 writeSize, uint32 n, n bytes};
//	                          stdout: per frame {uint32 m, m bytes of raw flate}. writeSize 0: one Write.
//	oracle copy LEVEL FILE    raw flate of FILE the io.Copy way: flate.NewWriter; io.Copy(fw, *os.File); Close
//	oracle gzip LEVEL FILE    gzip of FILE: gzip.NewWriterLevel; io.Copy(gz, *os.File); Close
package main

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"runtime"
	"strconv"
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func main() {
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	switch os.Args[1] {
	case "version":
		out.WriteString(runtime.Version())
	case "batch":
		in := bufio.NewReaderSize(os.Stdin, 1<<20)
		var hdr [12]byte
		for {
			if _, err := io.ReadFull(in, hdr[:]); err == io.EOF {
				return
			} else {
				must(err)
			}
			level := int(int32(binary.LittleEndian.Uint32(hdr[0:])))
			ws := int(binary.LittleEndian.Uint32(hdr[4:]))
			data := make([]byte, binary.LittleEndian.Uint32(hdr[8:]))
			_, err := io.ReadFull(in, data)
			must(err)
			var buf bytes.Buffer
			fw, err := flate.NewWriter(&buf, level)
			must(err)
			if ws == 0 {
				if len(data) > 0 {
					_, err = fw.Write(data)
					must(err)
				}
			} else {
				for at := 0; at < len(data); at += ws {
					end := at + ws
					if end > len(data) {
						end = len(data)
					}
					_, err = fw.Write(data[at:end])
					must(err)
				}
			}
			must(fw.Close())
			var m [4]byte
			binary.LittleEndian.PutUint32(m[:], uint32(buf.Len()))
			out.Write(m[:])
			out.Write(buf.Bytes())
		}
	case "copy", "gzip":
		level, err := strconv.Atoi(os.Args[2])
		must(err)
		f, err := os.Open(os.Args[3])
		must(err)
		defer f.Close()
		var w io.WriteCloser
		if os.Args[1] == "copy" {
			w, err = flate.NewWriter(out, level)
		} else {
			w, err = gzip.NewWriterLevel(out, level)
		}
		must(err)
		_, err = io.Copy(w, f)
		must(err)
		must(w.Close())
	}
}
