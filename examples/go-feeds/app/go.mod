module example.com/go-feeds

go 1.19
