package org.sockstack.spi.provider;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** fd_set: a set of socket handles for select (FD_SETSIZE 64 as in winsock2.h). */
public final class FdSet {
    public static final int FD_SETSIZE = 64;
    private final Set<Long> sockets = new LinkedHashSet<>();

    public static FdSet of(long... handles) {
        FdSet s = new FdSet();
        for (long h : handles) {
            s.set(h);
        }
        return s;
    }

    /** FD_SET: false when the set is full. */
    public boolean set(long s) {
        if (sockets.size() >= FD_SETSIZE && !sockets.contains(s)) {
            return false;
        }
        sockets.add(s);
        return true;
    }

    public void clear(long s) {
        sockets.remove(s);
    }

    /** FD_ISSET (WPUFDIsSet). */
    public boolean isSet(long s) {
        return sockets.contains(s);
    }

    public void zero() {
        sockets.clear();
    }

    public int count() {
        return sockets.size();
    }

    public List<Long> handles() {
        return new ArrayList<>(sockets);
    }

    /** Keeps only the handles in {@code keep}. */
    public void retain(Set<Long> keep) {
        sockets.retainAll(keep);
    }

    @Override
    public String toString() {
        return "FdSet" + sockets;
    }
}
