package org.sockstack.api.nio;

import org.sockstack.api.TimeVal;
import org.sockstack.api.Winsock;
import org.sockstack.spi.provider.FdSet;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.WsaEvent;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Selector} over Winsock. Readiness is level-triggered, as NIO wants, so each selection
 * asks Winsock's {@code select} (time-out zero) which registered sockets are ready; waiting is on
 * one event object that every registered socket signals through WSAEventSelect (with the FD_*
 * events of its interest set) and that {@link #wakeup()} sets. Every selection re-registers the
 * sockets, which re-arms the one-shot FD_WRITE and FD_CONNECT, so no readiness change is missed
 * between the look and the wait:
 *
 * <pre>
 *   reset the event; re-arm WSAEventSelect; select(time-out 0) -> ready keys?  return them
 *   otherwise wait for the event (a socket event, wakeup(), an interrupt, the time-out) and look again
 * </pre>
 *
 * <p>A socket has one WSAEventSelect registration: a channel registered with two of these
 * selectors at once wakes only the one that re-armed it last (both still see its readiness when
 * they look). Sockets of different providers are looked at provider by provider, at most
 * FD_SETSIZE at a time.
 */
final class WsSelector extends AbstractSelector {
    private final Winsock ws;
    private final WsaEvent event = new WsaEvent("nio-selector");
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Set<WsSelectionKey> keys = ConcurrentHashMap.newKeySet();
    private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keys);
    private final Set<SelectionKey> selected = new HashSet<>();
    private final Set<SelectionKey> publicSelected = new UngrowableSet(selected);

    WsSelector(WinsockSelectorProvider provider) {
        super(provider);
        this.ws = provider.winsock();
    }

    private void ensureOpen() {
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
    }

    @Override
    public Set<SelectionKey> keys() {
        ensureOpen();
        return publicKeys;
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        ensureOpen();
        return publicSelected;
    }

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
        if (!(ch instanceof WsChannel wc) || wc.winsock() != ws) {
            throw new IllegalSelectorException();
        }
        WsSelectionKey k = new WsSelectionKey(ch, this);
        k.attach(att);
        k.interestOps(ops);
        keys.add(k);
        return k;
    }

    // ------------------------------------------------------------------ selection

    @Override
    public int selectNow() throws IOException {
        return doSelect(0);
    }

    @Override
    public int select(long timeout) throws IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout");
        }
        return doSelect(timeout == 0 ? -1 : timeout);
    }

    @Override
    public int select() throws IOException {
        return doSelect(-1);
    }

    /** One selection: {@code timeoutMs} -1 waits without limit, 0 only looks. */
    private int doSelect(long timeoutMs) throws IOException {
        ensureOpen();
        synchronized (this) {
            synchronized (publicSelected) {
                long deadline = timeoutMs > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs) : 0;
                boolean lastLook = timeoutMs == 0;
                while (true) {
                    if (!isOpen()) {
                        return 0;
                    }
                    processCancelledKeys();
                    event.reset();
                    lastLook |= wakeupPending.getAndSet(false);
                    armKeys();
                    int n = updateSelectedKeys();
                    if (n > 0 || lastLook || Thread.currentThread().isInterrupted()) {
                        return n;
                    }
                    long waitMs = -1;
                    if (timeoutMs > 0) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return 0;
                        }
                        waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
                    }
                    if (!await(waitMs)) {
                        lastLook = true;   // timed out: look once more, then return
                    }
                }
            }
        }
    }

    /** Waits for the event; an interrupt ends the wait (and the selection) with the status kept. */
    private boolean await(long waitMs) {
        try {
            begin();
            return event.await(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            end();
        }
    }

    @Override
    public Selector wakeup() {
        wakeupPending.set(true);
        event.set();
        return this;
    }

    /** The FD_* events that announce the NIO operations of {@code ops}. */
    private static int fdEvents(int ops) {
        int ev = 0;
        if ((ops & SelectionKey.OP_READ) != 0) {
            ev |= Wsa.FD_READ | Wsa.FD_CLOSE;
        }
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            ev |= Wsa.FD_WRITE;
        }
        if ((ops & SelectionKey.OP_ACCEPT) != 0) {
            ev |= Wsa.FD_ACCEPT;
        }
        if ((ops & SelectionKey.OP_CONNECT) != 0) {
            ev |= Wsa.FD_CONNECT | Wsa.FD_WRITE;
        }
        return ev;
    }

    private void armKeys() {
        for (WsSelectionKey k : keys) {
            if (k.isValid() && k.channel().isOpen()) {
                WsChannel c = k.wsChannel();
                Io.eventSelect(ws, c.handle(), event, fdEvents(k.interestNow()));
            }
        }
    }

    /** Looks at every key once (select with time-out zero) and updates the selected-key set. */
    private int updateSelectedKeys() {
        Map<TransportProvider, List<WsSelectionKey>> byProvider = new IdentityHashMap<>();
        for (WsSelectionKey k : keys) {
            if (!k.isValid() || !k.channel().isOpen() || k.interestNow() == 0) {
                continue;
            }
            TransportProvider p = Io.provider(ws, k.wsChannel().handle(), new IntRef());
            if (p != null) {
                byProvider.computeIfAbsent(p, x -> new ArrayList<>()).add(k);
            }
        }
        int n = 0;
        for (List<WsSelectionKey> group : byProvider.values()) {
            for (int i = 0; i < group.size(); i += FdSet.FD_SETSIZE) {
                n += look(group.subList(i, Math.min(group.size(), i + FdSet.FD_SETSIZE)));
            }
        }
        return n;
    }

    /** One select over at most FD_SETSIZE keys of one provider; on failure each key alone. */
    private int look(List<WsSelectionKey> chunk) {
        FdSet r = new FdSet();
        FdSet w = new FdSet();
        FdSet x = new FdSet();
        for (WsSelectionKey k : chunk) {
            long h = k.wsChannel().handle();
            int ops = k.interestNow();
            if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
                r.set(h);
            }
            if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
                w.set(h);
            }
            if ((ops & SelectionKey.OP_CONNECT) != 0) {
                x.set(h);
            }
        }
        if (r.count() + w.count() + x.count() == 0) {
            return 0;
        }
        int result = ws.select(0, r.count() > 0 ? r : null, w.count() > 0 ? w : null, x.count() > 0 ? x : null,
                new TimeVal(0, 0));
        if (result == Wsa.SOCKET_ERROR) {
            return chunk.size() == 1 ? failed(chunk.get(0)) : chunk.stream().mapToInt(k -> look(List.of(k))).sum();
        }
        int n = 0;
        for (WsSelectionKey k : chunk) {
            long h = k.wsChannel().handle();
            n += ready(k, k.wsChannel().translateReadySet(r.isSet(h), w.isSet(h), x.isSet(h), k.interestNow()));
        }
        return n;
    }

    /** A socket select refused (its channel not closed): every interest is reported, so the next call tells the error. */
    private int failed(WsSelectionKey k) {
        if (!k.channel().isOpen()) {
            return 0;
        }
        return ready(k, k.wsChannel().translateReadySet(true, true, true, k.interestNow()));
    }

    /** Adds {@code ops} to a key: 1 when its ready set changed (or it was newly selected). */
    private int ready(WsSelectionKey k, int ops) {
        if (ops == 0) {
            return 0;
        }
        if (selected.contains(k)) {
            int old = k.readyNow();
            if ((old | ops) == old) {
                return 0;
            }
            k.setReady(old | ops);
            return 1;
        }
        k.setReady(ops);
        selected.add(k);
        return 1;
    }

    /** Deregisters the cancelled keys; their sockets leave the event selection. */
    private void processCancelledKeys() {
        Set<SelectionKey> cancelled = cancelledKeys();
        synchronized (cancelled) {
            for (SelectionKey sk : cancelled) {
                WsSelectionKey k = (WsSelectionKey) sk;
                keys.remove(k);
                selected.remove(k);
                if (k.channel().isOpen()) {
                    Io.eventSelect(ws, k.wsChannel().handle(), null, 0);
                }
                deregister(k);
            }
            cancelled.clear();
        }
    }

    @Override
    protected void implCloseSelector() {
        wakeup();
        synchronized (this) {
            synchronized (publicSelected) {
                for (WsSelectionKey k : keys) {
                    if (k.channel().isOpen()) {
                        Io.eventSelect(ws, k.wsChannel().handle(), null, 0);
                    }
                    deregister(k);
                }
                keys.clear();
                selected.clear();
                synchronized (cancelledKeys()) {
                    cancelledKeys().clear();
                }
            }
        }
    }

    /** The selected-key set as applications see it: keys can be removed, never added. */
    private static final class UngrowableSet extends AbstractSet<SelectionKey> {
        private final Set<SelectionKey> set;

        UngrowableSet(Set<SelectionKey> set) {
            this.set = set;
        }

        @Override
        public Iterator<SelectionKey> iterator() {
            return set.iterator();
        }

        @Override
        public int size() {
            return set.size();
        }

        @Override
        public boolean contains(Object o) {
            return set.contains(o);
        }

        @Override
        public boolean remove(Object o) {
            return set.remove(o);
        }

        @Override
        public void clear() {
            set.clear();
        }
    }
}
