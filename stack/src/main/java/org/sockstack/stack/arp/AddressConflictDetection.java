package org.sockstack.stack.arp;

import org.sockstack.stack.iface.Ipv4InterfaceAddress;
import org.sockstack.stack.iface.Ipv4InterfaceAddress.State;
import org.sockstack.stack.loop.Timer;
import org.sockstack.stack.loop.TimerWheel;

import java.util.random.RandomGenerator;

/**
 * The probe-then-announce sequence of RFC 5227 for one address:
 * wait PROBE_WAIT (random), send PROBE_NUM probes PROBE_MIN..PROBE_MAX apart, wait
 * ANNOUNCE_WAIT, then assign the address and send ANNOUNCE_NUM announcements ANNOUNCE_INTERVAL
 * apart. A conflict seen meanwhile (reported by {@link Arp}) sets the address to CONFLICT and the
 * sequence stops.
 */
final class AddressConflictDetection {
    private final Arp arp;
    private final Ipv4InterfaceAddress address;
    private final RandomGenerator random;
    private final Timer timer;

    AddressConflictDetection(Arp arp, Ipv4InterfaceAddress address, TimerWheel timers, RandomGenerator random) {
        this.arp = arp;
        this.address = address;
        this.random = random;
        this.timer = timers.newTimer("arp.acd", this::step);
    }

    void start(boolean probe, long now) {
        if (probe) {
            address.setState(State.TENTATIVE);
            timer.scheduleAfter(now, (long) (random.nextDouble() * Arp.PROBE_WAIT));
        } else {
            address.setState(State.ASSIGNED);
            step(now);
        }
    }

    private void step(long now) {
        if (address.state() == State.CONFLICT) {
            return;
        }
        if (address.state() == State.TENTATIVE) {
            if (address.probesSent() < Arp.PROBE_NUM) {
                arp.probe(address.address());
                address.countProbe();
                long gap = address.probesSent() < Arp.PROBE_NUM
                        ? Arp.PROBE_MIN + (long) (random.nextDouble() * (Arp.PROBE_MAX - Arp.PROBE_MIN))
                        : Arp.ANNOUNCE_WAIT;
                timer.scheduleAfter(now, gap);
                return;
            }
            address.setState(State.ASSIGNED);
        }
        if (address.announcementsSent() < Arp.ANNOUNCE_NUM) {
            arp.announce(address.address(), now);
            address.countAnnouncement();
            if (address.announcementsSent() < Arp.ANNOUNCE_NUM) {
                timer.scheduleAfter(now, Arp.ANNOUNCE_INTERVAL);
            }
        }
    }

    static void markConflict(Ipv4InterfaceAddress a) {
        a.setState(State.CONFLICT);
    }

    /** RFC 5227 2.4: true (and the defence time recorded) if no defence happened within {@code interval}. */
    static boolean mayDefend(Ipv4InterfaceAddress a, long now, long interval) {
        long last = a.lastDefended();
        if (last != Long.MIN_VALUE && now - last < interval) {
            return false;
        }
        a.setLastDefended(now);
        return true;
    }
}
