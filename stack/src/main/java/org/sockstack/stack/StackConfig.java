package org.sockstack.stack;

import org.sockstack.stack.neighbor.NeighborConfig;

import java.util.Objects;

/**
 * Settings of one stack instance. Everything random in the stack (ISNs, ephemeral ports,
 * delays before reports) comes from a generator seeded with {@link #seed()}, so a run on the
 * manual clock is reproducible.
 *
 * @param name            shown in traces and thread names
 * @param seed            seed of the stack's random generator
 * @param receiveBudget   frames read from one device per poll (the batch size)
 * @param arp             ARP cache timers and bounds
 * @param probeIpv4       probe new IPv4 addresses before use (RFC 5227 2.1) instead of only
 *                        announcing them
 */
public record StackConfig(String name, long seed, int receiveBudget, NeighborConfig arp, boolean probeIpv4) {

    public StackConfig {
        Objects.requireNonNull(name);
        Objects.requireNonNull(arp);
        if (receiveBudget < 1) {
            throw new IllegalArgumentException("receive budget must be positive");
        }
    }

    public static StackConfig defaults(String name) {
        return new StackConfig(name, System.nanoTime(), 64, NeighborConfig.DEFAULT, false);
    }

    public StackConfig withSeed(long seed) {
        return new StackConfig(name, seed, receiveBudget, arp, probeIpv4);
    }

    public StackConfig withProbeIpv4(boolean probe) {
        return new StackConfig(name, seed, receiveBudget, arp, probe);
    }
}
