package org.sockstack.drivers.posix;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The few C library calls the drivers need, bound through jnr-ffi. Buffers are passed as raw
 * addresses ({@code long}) so a call allocates nothing.
 */
public interface LibC {
    int O_RDWR = 0x2;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    int EFD_NONBLOCK = 0x800;
    int EFD_CLOEXEC = 0x80000;
    short POLLIN = 0x1;
    short POLLOUT = 0x4;
    short POLLERR = 0x8;
    short POLLHUP = 0x10;
    short POLLNVAL = 0x20;
    int EAGAIN = 11;
    int EINTR = 4;
    int ENOENT = 2;
    int EPERM = 1;
    int EACCES = 13;
    int EBUSY = 16;
    int EINVAL = 22;
    int ENOBUFS = 105;
    int AF_UNIX = 1;
    int SOCK_SEQPACKET = 5;
    int SOCK_NONBLOCK = 0x800;
    int SOCK_CLOEXEC = 0x80000;

    @SaveError
    int open(String path, int flags);

    @SaveError
    int close(int fd);

    @SaveError
    int ioctl(int fd, long request, Pointer arg);

    @SaveError
    int ioctl(int fd, long request, long arg);

    @SaveError
    @ssize_t long read(int fd, long buf, @size_t long count);

    @SaveError
    @ssize_t long write(int fd, long buf, @size_t long count);

    /** {@code writev(2)}: {@code iov} is the address of {@code iovcnt} {@code struct iovec}s (base, length). */
    @SaveError
    @ssize_t long writev(int fd, long iov, int iovcnt);

    @SaveError
    int poll(long fds, long nfds, int timeoutMillis);

    @SaveError
    int ppoll(long fds, long nfds, long timeoutSpec, long sigmask);

    @SaveError
    int eventfd(int initval, int flags);

    /** {@code socketpair(2)}: the two connected descriptors are stored in {@code sv}. */
    @SaveError
    int socketpair(int domain, int type, int protocol, @Out int[] sv);

    String strerror(int errnum);

    /** The process-wide binding. */
    static LibC get() {
        return Holder.LIBC;
    }

    static jnr.ffi.Runtime runtime() {
        return Runtime.getRuntime(get());
    }

    /** errno of the last failed call on this thread. */
    static int errno() {
        return runtime().getLastError();
    }

    /** A readable description of errno {@code err}. */
    static String describe(int err) {
        return get().strerror(err) + " (errno " + err + ")";
    }

    final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

        private Holder() {
        }
    }
}
