// A Go static-file server as people write it: http.FileServer on a folder, listening on $PORT.
package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	log.Fatal(http.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), http.FileServer(http.Dir(root))))
}
