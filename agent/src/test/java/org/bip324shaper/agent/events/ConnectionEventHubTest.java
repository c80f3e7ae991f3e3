package org.bip324shaper.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionEventHubTest {

    @Test
    void aThrowingListenerIsSkippedAndCountedAndOthersStillHearEverything() throws Exception {
        List<String> heard = new ArrayList<>();
        ConnectionEvents throwing = new ConnectionEvents() {
            @Override
            public void failed(ConnectionFailure event) {
                throw new IllegalStateException("listener bug");
            }
        };
        ConnectionEvents recording = new ConnectionEvents() {
            @Override
            public void failed(ConnectionFailure event) {
                heard.add(event.detail());
            }
        };
        ConnectionEventHub hub = new ConnectionEventHub(throwing, recording);
        ConnectionFailure failure = new ConnectionFailure(1, new InetSocketAddress("127.0.0.1", 8333),
                ConnectionFailure.Stage.UPSTREAM, "refused");
        hub.failed(failure);
        assertEquals(List.of("refused"), heard);
        assertEquals(1, hub.listenerFailures());
        AutoCloseable late = hub.subscribe(recording);
        hub.failed(failure);
        assertEquals(List.of("refused", "refused", "refused"), heard);
        late.close();
        hub.failed(failure);
        assertEquals(4, heard.size());
    }
}
