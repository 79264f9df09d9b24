package io.bgfetch.protocol;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;

/**
 * What {@link JsonRecords} needs of a record class, looked up once per class: its components'
 * names, generic types and accessors, and its canonical constructor. {@code getRecordComponents}
 * builds new objects and parses the generic signatures on every call; the daemon reads and
 * writes thousands of records a second (a fetch of 10,000 URLs, every snapshot of a watch), and
 * that reflection was a measurable part of its CPU time per file.
 */
final class RecordShape {
    private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return new RecordShape(type);
        }
    };

    final String[] names;
    final Type[] genericTypes;
    final Class<?>[] types;
    final Method[] accessors;
    final Constructor<?> canonical;

    private RecordShape(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        int n = components.length;
        names = new String[n];
        genericTypes = new Type[n];
        types = new Class<?>[n];
        accessors = new Method[n];
        for (int i = 0; i < n; i++) {
            names[i] = components[i].getName();
            genericTypes[i] = components[i].getGenericType();
            types[i] = components[i].getType();
            accessors[i] = components[i].getAccessor();
            accessors[i].setAccessible(true); // a record of the cli package is not public
        }
        try {
            canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
        } catch (NoSuchMethodException impossible) {
            throw new IllegalStateException("a record without its canonical constructor: " + type.getName(), impossible);
        }
    }

    static RecordShape of(Class<?> recordType) {
        return SHAPES.get(recordType);
    }

    /** The component named {@code name}, or -1. */
    int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
