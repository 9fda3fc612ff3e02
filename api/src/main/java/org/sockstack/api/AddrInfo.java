package org.sockstack.api;

import org.sockstack.spi.wsa.SockAddr;

import java.util.ArrayList;
import java.util.List;

/**
 * ADDRINFOW: a getaddrinfo hint, or one result in the linked list getaddrinfo returns
 * ({@link #next}). As hints only {@link #flags}, {@link #family}, {@link #socktype} and
 * {@link #protocol} count (the other fields must be zero or null, as Windows requires).
 */
public final class AddrInfo {
    /** AI_* ({@link Netdb}). */
    public int flags;
    /** AF_UNSPEC, AF_INET or AF_INET6. */
    public int family;
    /** SOCK_* or 0 (any). */
    public int socktype;
    /** IPPROTO_* or 0 (any). */
    public int protocol;
    /** The canonical name (the first result only, with AI_CANONNAME), else null. */
    public String canonname;
    /** The socket address; its length is ai_addrlen. */
    public SockAddr addr;
    /** The next result, or null. */
    public AddrInfo next;

    public AddrInfo() {
    }

    /** A hint: flags, family, socket type and protocol. */
    public static AddrInfo hints(int flags, int family, int socktype, int protocol) {
        AddrInfo h = new AddrInfo();
        h.flags = flags;
        h.family = family;
        h.socktype = socktype;
        h.protocol = protocol;
        return h;
    }

    /** ai_addrlen: the length of {@link #addr}, 0 without one. */
    public int addrlen() {
        return addr == null ? 0 : addr.length();
    }

    /** This result and the ones after it, in order (walking ai_next). */
    public List<AddrInfo> toList() {
        List<AddrInfo> out = new ArrayList<>();
        for (AddrInfo a = this; a != null; a = a.next) {
            out.add(a);
        }
        return out;
    }

    @Override
    public String toString() {
        return "AddrInfo[flags=0x" + Integer.toHexString(flags) + ", family=" + family + ", socktype=" + socktype
                + ", protocol=" + protocol + ", canonname=" + canonname + ", addr=" + addr + "]";
    }
}
