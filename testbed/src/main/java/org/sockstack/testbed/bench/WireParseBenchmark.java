package org.sockstack.testbed.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.sockstack.stack.wire.InternetChecksum;
import org.sockstack.stack.wire.WireError;

import java.util.concurrent.TimeUnit;

/**
 * What the wire layer costs per received frame: {@link #parseFrame} validates a 1514-octet
 * TCP/IPv4 Ethernet frame with both checksums and reads the receive-path fields
 * ({@link Ipv4TcpReceiveParser}); {@link #checksum1460} is the RFC 1071 sum over 1460 octets alone,
 * the bulk of that work. Each runs over a heap buffer and a pooled direct buffer (what a driver
 * hands the stack). Run with {@code -prof gc}: gc.alloc.rate.norm must stay ~0 B/op (DESIGN rule 5).
 *
 * <p>The measured methods are kept out of JMH's loop ({@code DONT_INLINE}, about 1 ns per call),
 * so each is compiled as the stack would call it. Inlined, the checksum loop landed inside the
 * on-stack-replacement compilation of JMH's loop and ran 2-3 times slower (JDK 25, measured).
 * The figures still move by some 25% with how C2 inlines the checksum loop into its caller: read
 * them as an order of magnitude per frame, not as a constant.
 *
 * <pre>
 *   scripts/bench-wire.sh
 *   java -cp testbed/target/sockstack.jar org.openjdk.jmh.Main WireParseBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled"})
public class WireParseBenchmark {
    /** Octets {@link #checksum1460} sums: an MSS-sized run, the TCP payload of a 1500 MTU. */
    public static final int CHECKSUM_LENGTH = 1460;

    /** {@code heap}: an unpooled heap buffer over a byte[]; {@code pooledDirect}: off-heap, pooled. */
    @Param({"heap", "pooledDirect"})
    public String buffer;

    private ByteBuf frame;
    private int checksumOffset;
    private final Ipv4TcpReceiveParser parser = new Ipv4TcpReceiveParser();

    @Setup(Level.Trial)
    public void setUp() {
        frame = newFrameBuffer(buffer);
        // Never measure a rejected frame: the fixture must pass every check before timing starts.
        WireError e = parseFrame();
        if (!e.ok()) {
            throw new IllegalStateException("fixture frame rejected: " + e);
        }
        checksumOffset = parser.payloadOffset - TcpFrameFixture.TCP_HEADER_LENGTH;   // the TCP header
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        frame.release();
    }

    /** Ethernet + IPv4 + TCP validation, both checksums, and the receive-path field reads. */
    @Benchmark
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public WireError parseFrame() {
        return parser.parse(frame, frame.readerIndex(), frame.readableBytes());
    }

    /** The Internet checksum (RFC 1071) over 1460 octets of the frame, nothing else. */
    @Benchmark
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int checksum1460() {
        return InternetChecksum.compute(frame, checksumOffset, CHECKSUM_LENGTH);
    }

    /** The parser, for tests: its fields hold what the last {@link #parseFrame} read. */
    public Ipv4TcpReceiveParser parser() {
        return parser;
    }

    /** The frame buffer, for tests that corrupt it. */
    ByteBuf frame() {
        return frame;
    }

    /** The fixture frame in a buffer of the given kind; the caller releases it. */
    static ByteBuf newFrameBuffer(String kind) {
        byte[] bytes = TcpFrameFixture.frame();
        return switch (kind) {
            case "heap" -> Unpooled.wrappedBuffer(bytes);
            case "pooledDirect" -> PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
            default -> throw new IllegalArgumentException("buffer kind " + kind);
        };
    }
}
