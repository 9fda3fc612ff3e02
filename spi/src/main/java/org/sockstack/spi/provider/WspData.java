package org.sockstack.spi.provider;

/** WSPDATA: what WSPStartup reports: the negotiated version, the highest supported, a description. */
public final class WspData {
    public int version;
    public int highVersion;
    public String description = "";
}
