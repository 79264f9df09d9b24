package io.bgfetch.cli.options;

import io.bgfetch.units.ByteSize;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Lets picocli parse {@code --download-total} and {@code --limit-rate} with {@link ByteSize}.
 * A {@link TypeConversionException} makes picocli report a usage error (exit status 2) with
 * the message as it is.
 */
public final class ByteSizeConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            return ByteSize.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
