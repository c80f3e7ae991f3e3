package org.bip324shaper.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The module descriptor exports exactly the public API, and that API never hands out an internal type. */
class PublicApiTest {
    private static final Set<String> EXPORTED = Set.of(
            "org.bip324shaper.core",
            "org.bip324shaper.core.crypto",
            "org.bip324shaper.core.engine",
            "org.bip324shaper.core.message",
            "org.bip324shaper.core.shaping",
            "org.bip324shaper.core.trace",
            "org.bip324shaper.driver");

    @Test
    void exportsExactlyTheApiPackages() throws IOException {
        ModuleDescriptor descriptor = descriptor();
        Set<String> exports = descriptor.exports().stream()
                .filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(EXPORTED), exports);
        assertTrue(descriptor.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified),
                "no qualified exports");
    }

    @Test
    void everyOtherPackageIsInternalOrARunnableDemo() throws IOException {
        for (String pkg : descriptor().packages()) {
            if (!EXPORTED.contains(pkg)) {
                assertTrue(pkg.startsWith("org.bip324shaper.core.internal.") || pkg.equals("org.bip324shaper.core.demo"),
                        pkg + " is neither exported nor internal");
            }
        }
    }

    @Test
    void exportedSignaturesNameNoInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : exportedPublicTypes()) {
            for (Type t : superTypes(type)) {
                check(type.getName() + " extends", t, leaks);
            }
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic()) {
                    check(type.getName() + "." + m.getName() + " returns", m.getGenericReturnType(), leaks);
                    parameters(type, m, leaks);
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (visible(c.getModifiers()) && !c.isSynthetic()) {
                    parameters(type, c, leaks);
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (visible(f.getModifiers()) && !f.isSynthetic()) {
                    check(type.getName() + "." + f.getName(), f.getGenericType(), leaks);
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static List<Type> superTypes(Class<?> type) {
        List<Type> all = new ArrayList<>(List.of(type.getGenericInterfaces()));
        if (type.getGenericSuperclass() != null) {
            all.add(type.getGenericSuperclass());
        }
        return all;
    }

    private static void parameters(Class<?> owner, Executable e, List<String> leaks) {
        for (Type p : e.getGenericParameterTypes()) {
            check(owner.getName() + "." + e.getName() + " takes", p, leaks);
        }
        for (Type x : e.getGenericExceptionTypes()) {
            check(owner.getName() + "." + e.getName() + " throws", x, leaks);
        }
    }

    private static void check(String where, Type type, List<String> leaks) {
        if (type instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (c.getPackageName().contains(".internal.")) {
                leaks.add(where + " " + c.getName());
            }
        } else if (type instanceof ParameterizedType p) {
            check(where, p.getRawType(), leaks);
            for (Type a : p.getActualTypeArguments()) {
                check(where, a, leaks);
            }
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                check(where, b, leaks);
            }
            for (Type b : w.getLowerBounds()) {
                check(where, b, leaks);
            }
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static List<Class<?>> exportedPublicTypes() throws Exception {
        Path classes = classesDir();
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String rel = classes.relativize(file).toString().replace('\\', '/');
                if (!rel.endsWith(".class") || rel.equals("module-info.class")) {
                    continue;
                }
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                Class<?> type = Class.forName(name, false, PublicApiTest.class.getClassLoader());
                if (EXPORTED.contains(type.getPackageName()) && isPubliclyReachable(type)) {
                    types.add(type);
                }
            }
        }
        assertTrue(types.size() > 20, "found the API types: " + types.size());
        return types;
    }

    private static boolean isPubliclyReachable(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers()) || c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static ModuleDescriptor descriptor() throws IOException {
        try (InputStream in = Files.newInputStream(classesDir().resolve("module-info.class"))) {
            return ModuleDescriptor.read(in, () -> packagesIn(classesDir()));
        }
    }

    private static Set<String> packagesIn(Path classes) {
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(f -> f.toString().endsWith(".class") && !f.endsWith("module-info.class"))
                    .map(f -> classes.relativize(f.getParent()).toString().replace('/', '.'))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path classesDir() {
        try {
            return Path.of(Network.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
