package io.bgfetch.cli.options;

import io.bgfetch.units.DurationText;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Lets picocli parse {@code --retry-for} with {@link DurationText}. A
 * {@link TypeConversionException} makes picocli report a usage error (exit status 2) with the
 * message as it is.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return DurationText.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
