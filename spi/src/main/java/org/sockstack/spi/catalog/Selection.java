package org.sockstack.spi.catalog;

/** The outcome of choosing a catalog entry for socket(): an entry, or a WSA error code. */
public record Selection(ProtocolInfo entry, int error) {
    public static Selection of(ProtocolInfo entry) {
        return new Selection(entry, 0);
    }

    public static Selection fail(int error) {
        return new Selection(null, error);
    }

    public boolean ok() {
        return entry != null;
    }
}
