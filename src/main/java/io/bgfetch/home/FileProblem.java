package io.bgfetch.home;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A failed file operation in words, on one line. Java's file exceptions carry only the path as
 * their message ("/home/u/.local/share/bgfetch"), which tells a user nothing about what is wrong
 * with it; this adds the reason ("permission denied").
 */
public final class FileProblem {
    private FileProblem() {
    }

    public static String describe(Throwable e) {
        String text;
        if (e instanceof FileSystemException f && f.getFile() != null) {
            text = f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason(f);
        } else if (e.getMessage() == null || e.getMessage().isBlank()) {
            text = e.toString();
        } else {
            text = e.getMessage();
        }
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static String reason(FileSystemException f) {
        if (f.getReason() != null) {
            return f.getReason();
        }
        if (f instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (f instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (f instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (f instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        return f.getClass().getSimpleName();
    }
}
