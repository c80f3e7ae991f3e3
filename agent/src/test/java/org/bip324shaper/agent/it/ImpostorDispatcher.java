package org.bip324shaper.agent.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import net.bytebuddy.ByteBuddy;

/** Writes a jar with an empty class named like the bootstrap dispatcher, for {@link EarlyDispatcherAgent}. */
final class ImpostorDispatcher {

    static final String NAME = "org.bip324shaper.agent.bootstrap.ConnectDispatcher";

    private ImpostorDispatcher() {
    }

    static void writeJar(Path jar) throws IOException {
        byte[] classFile = new ByteBuddy().subclass(Object.class).name(NAME).make().getBytes();
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(NAME.replace('.', '/') + ".class"));
            out.write(classFile);
            out.closeEntry();
        }
    }
}
