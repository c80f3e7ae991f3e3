package org.bip324shaper.it.bitcoind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsWhatGetpeerinfoAndGetrawtransactionLookLike() {
        Object parsed = Json.parse("""
                {"result":[{"id":3,"inbound":true,"transport_protocol_type":"v2",
                 "session_id":"00ff","subver":"/bitcoinj:0.17.1/","value":0.00012345,"big":21e6,
                 "esc":"a\\"b\\\\c\\u00e9\\n","none":null,"no":false}],"error":null,"id":1}
                """);
        Map<?, ?> reply = (Map<?, ?>) parsed;
        assertSame(Json.NULL, reply.get("error"));
        Map<?, ?> peer = (Map<?, ?>) ((List<?>) reply.get("result")).get(0);
        assertEquals(new BigDecimal("3"), peer.get("id"));
        assertEquals(Boolean.TRUE, peer.get("inbound"));
        assertEquals("00ff", peer.get("session_id"));
        assertEquals(0, new BigDecimal("0.00012345").compareTo((BigDecimal) peer.get("value")), "amounts stay exact");
        assertEquals(0, new BigDecimal("21000000").compareTo((BigDecimal) peer.get("big")));
        assertEquals("a\"b\\c\u00e9\n", peer.get("esc"));
        assertSame(Json.NULL, peer.get("none"));
        assertEquals(Boolean.FALSE, peer.get("no"));
    }

    @Test
    void writesRequestsThatReadBack() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("method", "generatetoaddress");
        request.put("params", List.of(101, "bcrt1q\"x\n", true));
        request.put("id", 7L);
        String text = Json.write(request);
        assertEquals("{\"method\":\"generatetoaddress\",\"params\":[101,\"bcrt1q\\\"x\\n\",true],\"id\":7}", text);
        Map<?, ?> back = (Map<?, ?>) Json.parse(text);
        assertEquals(List.of(new BigDecimal(101), "bcrt1q\"x\n", true), back.get("params"));
    }

    @Test
    void refusesBrokenOrHostileInput() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "\"open", "tru", "[1] 2", "{\"a\":\"\\x\"}",
                "01a", "\"\u0001\"")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
        assertTrue(Json.parse("[".repeat(10) + "]".repeat(10)) instanceof List<?>, "shallow nesting is fine");
    }
}
