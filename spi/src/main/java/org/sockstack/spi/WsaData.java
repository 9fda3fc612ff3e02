package org.sockstack.spi;

/** WSADATA: what WSAStartup reports. */
public final class WsaData {
    public int version;
    public int highVersion;
    public String description = "";
    public String systemStatus = "";
    public int maxSockets;
    public int maxUdpDg;
}
