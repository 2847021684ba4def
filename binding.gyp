{
  "targets": [
    {
      "target_name": "shandian_map",
      "sources": ["native/map-file.cc"]
    }
  ]
}
