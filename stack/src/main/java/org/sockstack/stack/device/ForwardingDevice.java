package org.sockstack.stack.device;

import io.netty.buffer.ByteBufAllocator;
import org.sockstack.stack.wire.MacAddress;

import java.util.Objects;

/**
 * The base of a device decorator (capture, tracing, fault injection): it wraps another
 * {@link Device} and presents the same identity (name, MAC address, MTU, capabilities,
 * allocator). A decorator overrides only the frame paths it changes.
 */
public abstract class ForwardingDevice implements Device {
    protected final Device inner;

    protected ForwardingDevice(Device inner) {
        this.inner = Objects.requireNonNull(inner);
    }

    /** The wrapped device. */
    public Device inner() {
        return inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public MacAddress macAddress() {
        return inner.macAddress();
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public DeviceCapabilities capabilities() {
        return inner.capabilities();
    }

    @Override
    public ByteBufAllocator allocator() {
        return inner.allocator();
    }
}
