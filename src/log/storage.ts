// The filesystem the log engine and metadata live on: real files under a data directory, or an
// in-memory tree for `--memory` and embedded use. Everything above this file is the same code
// for both, so the in-memory store cannot drift from the on-disk one.

import fs from 'node:fs'
import path from 'node:path'
import type { ReadLease } from './read-pool.js'

// An append-only byte file. `append` returns once the bytes are in the OS (they survive a killed
// process); `flush` makes them durable across a machine crash.
export interface ByteFile {
  readonly size: number
  append(chunks: readonly Buffer[]): void
  // With a lease, a file that has to copy (on disk) copies into the lease's reused memory.
  read(position: number, length: number, lease?: ReadLease): Buffer
  // Copies bytes from `position` into `target` (as many as fit and exist); returns how many.
  // For scans that go through a file piece by piece without allocating for each piece.
  readInto(target: Buffer, position: number): number
  truncate(size: number): void
  flush(): void
  // flush() off the event loop (libuv's thread pool): for background writers such as the log
  // cleaner, whose fsync of a whole new segment would otherwise stall every produce and fetch.
  flushAsync(): Promise<void>
  close(): void
}

export interface Storage {
  readonly persistent: boolean
  readonly root: string
  open(file: string): ByteFile
  exists(p: string): boolean
  list(dir: string): string[]
  mkdirp(dir: string): void
  remove(p: string): void // a file or a whole directory
  // remove() of a file in libuv's thread pool: unlinking megabytes on a file system mounted with
  // `discard` took 1-30 ms here (bench/RESULTS.md), too long for the event loop.
  removeAsync(p: string): Promise<void>
  rename(from: string, to: string): void
  readText(file: string): string | null
  // Replaces the file as a whole (a crash leaves the old or the new one). `durable: false` skips
  // the fsyncs, for files that are a cache of the log (producer-state snapshots written at a roll):
  // after a machine crash they may be missing or older, never torn on ext4 (replace-by-rename).
  writeAtomic(file: string, data: string | Buffer, o?: { durable?: boolean }): void
  // Size and free space of the file system holding the root; null for the in-memory store.
  usage(): { totalBytes: bigint; usableBytes: bigint } | null
}

class DiskFile implements ByteFile {
  private fd: number
  size: number
  constructor(private readonly file: string, flags = 'a+', size?: number) {
    this.fd = fs.openSync(file, flags)
    this.size = size ?? fs.fstatSync(this.fd).size
  }
  append(chunks: readonly Buffer[]): void {
    let total = 0
    for (const c of chunks) total += c.length
    let written = 0
    while (written < total) {
      // O_APPEND: the kernel positions every write at the end of the file.
      const n = written === 0 ? fs.writevSync(this.fd, chunks as Buffer[]) : fs.writeSync(this.fd, Buffer.concat(chunks as Buffer[]).subarray(written))
      written += n
    }
    this.size += total
  }
  read(position: number, length: number, lease?: ReadLease): Buffer {
    const len = Math.max(0, Math.min(length, this.size - position))
    const buf = lease ? lease.alloc(len) : Buffer.allocUnsafe(len)
    let got = 0
    while (got < len) {
      const n = fs.readSync(this.fd, buf, got, len - got, position + got)
      if (n === 0) break
      got += n
    }
    return got === len ? buf : buf.subarray(0, got)
  }
  readInto(target: Buffer, position: number): number {
    const len = Math.max(0, Math.min(target.length, this.size - position))
    let got = 0
    while (got < len) {
      const n = fs.readSync(this.fd, target, got, len - got, position + got)
      if (n === 0) break
      got += n
    }
    return got
  }
  truncate(size: number): void {
    fs.ftruncateSync(this.fd, size)
    this.size = size
  }
  flush(): void {
    fs.fsyncSync(this.fd)
  }
  flushAsync(): Promise<void> {
    return new Promise((resolve, reject) => fs.fsync(this.fd, (err) => (err ? reject(err) : resolve())))
  }
  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd)
    this.fd = -1
  }
}

// A file opened for reading only, seen as `size` bytes long: the cleaner's worker thread reads a
// sealed segment this way, never creating a file that is gone (a segment deleted meanwhile fails
// the open with ENOENT) and never seeing what is appended past the size it was given.
export function openForReading(file: string, size: number): ByteFile {
  return new DiskFile(file, 'r', size)
}

export function diskStorage(root: string): Storage {
  fs.mkdirSync(root, { recursive: true })
  return {
    persistent: true,
    root,
    usage: () => {
      const st = fs.statfsSync(root, { bigint: true })
      return { totalBytes: st.blocks * st.bsize, usableBytes: st.bavail * st.bsize }
    },
    open: (file) => new DiskFile(file),
    exists: (p) => fs.existsSync(p),
    list: (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []),
    mkdirp: (dir) => fs.mkdirSync(dir, { recursive: true }),
    remove: (p) => fs.rmSync(p, { recursive: true, force: true }),
    removeAsync: (p) => fs.promises.rm(p, { recursive: true, force: true }),
    rename: (from, to) => fs.renameSync(from, to),
    readText: (file) => {
      try {
        return fs.readFileSync(file, 'utf8')
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw e
      }
    },
    writeAtomic: (file, data, o) => {
      const tmp = `${file}.tmp`
      const fd = fs.openSync(tmp, 'w')
      try {
        fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
        if (o?.durable !== false) fs.fsyncSync(fd)
      } finally {
        fs.closeSync(fd)
      }
      fs.renameSync(tmp, file)
      if (o?.durable === false) return
      // The rename itself is durable only once the directory is synced.
      const dirFd = fs.openSync(path.dirname(file), 'r')
      try {
        fs.fsyncSync(dirFd)
      } finally {
        fs.closeSync(dirFd)
      }
    },
  }
}

class MemoryFile implements ByteFile {
  private buf = Buffer.allocUnsafe(0)
  size = 0
  append(chunks: readonly Buffer[]): void {
    let total = 0
    for (const c of chunks) total += c.length
    if (this.size + total > this.buf.length) {
      // Grow by copying into a new buffer: views handed out by read() keep the old memory,
      // whose bytes never change, so readers are unaffected.
      const next = Buffer.allocUnsafe(Math.max(this.size + total, this.buf.length * 2, 4096))
      this.buf.copy(next, 0, 0, this.size)
      this.buf = next
    }
    for (const c of chunks) {
      c.copy(this.buf, this.size)
      this.size += c.length
    }
  }
  read(position: number, length: number): Buffer {
    const end = Math.min(this.size, position + length)
    return this.buf.subarray(position, Math.max(position, end))
  }
  readInto(target: Buffer, position: number): number {
    return position >= this.size ? 0 : this.buf.copy(target, 0, position, Math.min(this.size, position + target.length))
  }
  truncate(size: number): void {
    if (size < this.size) {
      // Copy so that views handed out earlier never see later appends over the cut.
      const next = Buffer.allocUnsafe(Math.max(size, 4096))
      this.buf.copy(next, 0, 0, size)
      this.buf = next
    }
    this.size = Math.min(size, this.size)
  }
  flush(): void {}
  flushAsync(): Promise<void> {
    return Promise.resolve()
  }
  close(): void {}
}

export function memoryStorage(root = '/memory'): Storage {
  const files = new Map<string, MemoryFile | string | Buffer>()
  const dirs = new Set<string>([root])
  const norm = (p: string) => path.posix.normalize(p)
  const mkdirp = (dir: string) => {
    for (let d = norm(dir); !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d)
  }
  const under = (p: string, dir: string) => p.startsWith(dir.endsWith('/') ? dir : `${dir}/`)
  const remove = (p: string): void => {
    const n = norm(p)
    files.delete(n)
    dirs.delete(n)
    for (const k of [...files.keys()]) if (under(k, n)) files.delete(k)
    for (const k of [...dirs]) if (under(k, n)) dirs.delete(k)
  }
  return {
    persistent: false,
    root,
    usage: () => null,
    open: (file) => {
      const f = norm(file)
      let m = files.get(f)
      if (!(m instanceof MemoryFile)) {
        m = new MemoryFile()
        files.set(f, m)
      }
      return m
    },
    exists: (p) => files.has(norm(p)) || dirs.has(norm(p)),
    list: (dir) => {
      const d = norm(dir)
      const out = new Set<string>()
      for (const k of [...files.keys(), ...dirs]) if (path.posix.dirname(k) === d && k !== d) out.add(path.posix.basename(k))
      return [...out]
    },
    mkdirp,
    remove,
    removeAsync: (p) => {
      remove(p)
      return Promise.resolve()
    },
    rename: (from, to) => {
      const f = norm(from)
      const t = norm(to)
      for (const [k, v] of [...files]) {
        if (k === f || under(k, f)) {
          files.delete(k)
          files.set(t + k.slice(f.length), v)
        }
      }
      for (const k of [...dirs]) {
        if (k === f || under(k, f)) {
          dirs.delete(k)
          dirs.add(t + k.slice(f.length))
        }
      }
    },
    readText: (file) => {
      const v = files.get(norm(file))
      if (v === undefined || v instanceof MemoryFile) return null
      return v.toString()
    },
    writeAtomic: (file, data) => {
      mkdirp(path.posix.dirname(norm(file)))
      files.set(norm(file), typeof data === 'string' ? data : Buffer.from(data))
    },
  }
}
