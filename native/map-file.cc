// Maps a snapshot file into memory as a SharedArrayBuffer (copy-on-write,
// MAP_PRIVATE): its columns and postings are then the page cache's pages, not
// a copy of them. On this project's VMs memory touched for the first time
// costs about 3.5 s per GiB (the host backs guest memory lazily), so reading
// a 14 GiB snapshot into fresh buffers costs ~50 s before any parsing; the
// page cache is memory the machine already has. Writes to the mapping (a
// refund clearing an alive flag) stay in this process: the file never changes.
#include <node.h>
#include <v8.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

void Unmap(void* data, size_t length, void*) {
  if (length > 0) munmap(data, length);
}

// mapFile(path: string): SharedArrayBuffer | undefined (undefined: the caller reads the file instead)
void MapFile(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  if (args.Length() < 1 || !args[0]->IsString()) return;
  v8::String::Utf8Value path(isolate, args[0]);
  int fd = open(*path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size <= 0) {
    close(fd);
    return;
  }
  size_t length = static_cast<size_t>(st.st_size);
  void* data = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  close(fd);  // the mapping keeps the file
  if (data == MAP_FAILED) return;
  std::unique_ptr<v8::BackingStore> store = v8::SharedArrayBuffer::NewBackingStore(data, length, Unmap, nullptr);
  args.GetReturnValue().Set(v8::SharedArrayBuffer::New(isolate, std::move(store)));
}

}  // namespace

NODE_MODULE_INIT() {
  NODE_SET_METHOD(exports, "mapFile", MapFile);
}
