package org.sockstack.spi;

/** The overlapped queueing scenarios over the stacks world. */
class StackOverlappedQueueTest extends OverlappedQueueScenarios {
    @Override
    TestNetworks.Env newEnv() {
        return TestNetworks.stacks();
    }
}
