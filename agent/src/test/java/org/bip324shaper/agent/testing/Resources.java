package org.bip324shaper.agent.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened (nodes, bridges, sockets), closed after each test in reverse order, so that a later resource
 * that uses an earlier one goes first. Register as {@code @RegisterExtension final Resources resources = new
 * Resources();} and wrap each resource in {@link #track}.
 */
public final class Resources implements AfterEachCallback {
    private final List<AutoCloseable> open = new ArrayList<>();

    public <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        } finally {
            open.clear();
        }
    }
}
