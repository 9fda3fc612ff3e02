package org.sockstack.spi.layered;

import org.sockstack.spi.catalog.ProtocolInfo;
import org.sockstack.spi.provider.ProviderLoader;
import org.sockstack.spi.provider.TransportProvider;
import org.sockstack.spi.provider.TransportProviderFactory;
import org.sockstack.spi.wsa.IntRef;
import org.sockstack.spi.wsa.Wsa;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A layer that injects faults into chosen calls, reproducibly (a seeded generator decides which
 * calls are hit): a delay before the call, a dropped send (reported as sent, never passed down), a
 * short write (only part of the data goes down and the count says so), or an error returned
 * without calling down.
 */
public final class FaultInjectorProvider extends LayeredProvider {
    public static final UUID PROVIDER_ID = UUID.fromString("5d0d1d5c-0004-4a53-8b00-6661756c7473");

    /** What to do to a call that a rule hits. */
    public enum Action { DELAY, DROP, SHORT_WRITE, ERROR }

    /**
     * A rule: calls named {@code call} ("send", "sendTo", "recv", ...; "*" for every call) are hit
     * with {@code probability}. {@code value} is the delay in ms, the fraction of bytes kept in
     * percent for SHORT_WRITE, or the WSA error code for ERROR.
     */
    public record Rule(String call, Action action, double probability, int value) {
        public Rule {
            Objects.requireNonNull(call);
            Objects.requireNonNull(action);
        }

        boolean matches(String name) {
            return call.equals("*") || call.equals(name);
        }
    }

    private final List<Rule> rules;
    private final SplittableRandom random;

    public FaultInjectorProvider(ProviderLoader loader, List<Rule> rules, long seed) {
        super(PROVIDER_ID, loader);
        this.rules = List.copyOf(rules);
        this.random = new SplittableRandom(seed);
    }

    private synchronized boolean hit(Rule r) {
        return r.probability >= 1.0 || random.nextDouble() < r.probability;
    }

    @Override
    protected long around(Invocation call) {
        for (Rule r : rules) {
            if (!r.matches(call.name()) || !hit(r)) {
                continue;
            }
            switch (r.action) {
                case DELAY -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(r.value));
                case ERROR -> {
                    call.errno().value = r.value;
                    return call.name().equals("socket") ? Wsa.INVALID_SOCKET : Wsa.SOCKET_ERROR;
                }
                case DROP -> {
                    if (isSend(call)) {
                        ((IntRef) call.args()[1]).value = total((ByteBuffer[]) call.args()[0]);
                        return 0;
                    }
                }
                case SHORT_WRITE -> {
                    if (isSend(call)) {
                        call.args()[0] = shorten((ByteBuffer[]) call.args()[0], r.value);
                    }
                }
                default -> throw new AssertionError(r.action);
            }
        }
        return call.proceed();
    }

    private static boolean isSend(Invocation call) {
        return (call.name().equals("send") || call.name().equals("sendTo") || call.name().equals("sendMsg"))
                && call.args()[0] instanceof ByteBuffer[]
                && call.args()[1] instanceof IntRef;
    }

    private static int total(ByteBuffer[] bufs) {
        int n = 0;
        for (ByteBuffer b : bufs) {
            n += b.remaining();
        }
        return n;
    }

    /** The first {@code percent}% of the bytes (at least one when there are any). */
    private static ByteBuffer[] shorten(ByteBuffer[] bufs, int percent) {
        int total = total(bufs);
        int keep = Math.max(total > 0 ? 1 : 0, (int) ((long) total * percent / 100));
        byte[] out = new byte[keep];
        int at = 0;
        for (ByteBuffer b : bufs) {
            int n = Math.min(b.remaining(), keep - at);
            b.duplicate().get(out, at, n);
            at += n;
        }
        return new ByteBuffer[] {ByteBuffer.wrap(out)};
    }

    /** The factory: the rules and the seed are fixed per factory. */
    public static final class Factory implements TransportProviderFactory {
        private final List<Rule> rules;
        private final long seed;

        public Factory() {
            this(List.of(), 1);
        }

        public Factory(List<Rule> rules, long seed) {
            this.rules = List.copyOf(rules);
            this.seed = seed;
        }

        @Override
        public UUID providerId() {
            return PROVIDER_ID;
        }

        @Override
        public List<ProtocolInfo> protocolEntries() {
            return List.of();
        }

        @Override
        public TransportProvider create(ProviderLoader loader) {
            return new FaultInjectorProvider(loader, rules, seed);
        }
    }
}
