package org.sockstack.spi;

/** The overlapped queueing scenarios over the host world. */
class HostOverlappedQueueTest extends OverlappedQueueScenarios {
    @Override
    TestNetworks.Env newEnv() {
        return TestNetworks.host();
    }
}
