// Writes a tar of the tree under ROOT with Go's archive/tar, one tar.FileInfoHeader per path of a
// filepath.Walk (lexical order).
//
//	go run . FORMAT ROOT > out.tar      FORMAT: default | ustar | pax | gnu
//	go run . names < paths               for parity tests: per line of hex path bytes, the hex of
//	                                     path.Clean(p) and of path.Join(dir, "PaxHeaders.0", file)
//
// default leaves hdr.Format unset (Go picks USTAR, else PAX, per header); the others set it; pax
// starts with a global header ("GlobalHead.0.0", comment record). USTAR
// cannot hold access and change times, so that run clears them, as a program asking for USTAR must.
// Members a format cannot hold (WriteHeader fails) are left out.
package main

import (
	"archive/tar"
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"
)

func names() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		b, err := hex.DecodeString(in.Text())
		if err != nil {
			panic(err)
		}
		p := string(b)
		dir, file := path.Split(p)
		fmt.Printf("%x %x\n", path.Clean(p), path.Join(dir, "PaxHeaders.0", file))
	}
}

func main() {
	if os.Args[1] == "names" {
		names()
		return
	}
	formats := map[string]tar.Format{"default": tar.FormatUnknown, "ustar": tar.FormatUSTAR, "pax": tar.FormatPAX, "gnu": tar.FormatGNU}
	format := formats[os.Args[1]]
	tw := tar.NewWriter(os.Stdout)
	if format == tar.FormatPAX {
		global := &tar.Header{Typeflag: tar.TypeXGlobalHeader, PAXRecords: map[string]string{"comment": "a global header"}}
		if err := tw.WriteHeader(global); err != nil {
			panic(err)
		}
	}
	err := filepath.Walk(os.Args[2], func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		link := ""
		if fi.Mode()&os.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			os.Stderr.WriteString("left out " + p + ": " + err.Error() + "\n")
			return nil
		}
		hdr.Name = filepath.ToSlash(p)
		if fi.IsDir() {
			hdr.Name += "/"
		}
		hdr.Format = format
		if format == tar.FormatUSTAR {
			hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			os.Stderr.WriteString("left out " + p + ": " + err.Error() + "\n")
			return nil
		}
		if fi.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := io.Copy(tw, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = tw.Close()
	}
	if err != nil {
		panic(err)
	}
}
