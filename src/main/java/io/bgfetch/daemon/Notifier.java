package io.bgfetch.daemon;

import io.bgfetch.lifecycle.FetchResult;
import io.bgfetch.lifecycle.WireName;
import io.bgfetch.store.FetchRow;
import java.io.File;

/**
 * {@code --notify}: a desktop notification through {@code notify-send} where the desktop
 * offers one (it is on the PATH and a session bus or display is known); silently nothing
 * elsewhere. Arguments go to it as separate words, never through a shell.
 */
final class Notifier {
    void notify(FetchRow f) {
        if (!f.options().desktopNotify() || !available()) {
            return;
        }
        String title = f.title() == null || f.title().isEmpty() ? f.id() : f.title();
        String body = f.result() == FetchResult.SUCCESS ? "Download complete" : "Download failed: " + WireName.of(f.failureReason());
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("notify-send", "--app-name=bgfetch"));
        if (f.icon() != null) {
            command.add("--icon=" + f.icon());
        }
        command.add("--");
        command.add(title);
        command.add(body);
        try {
            new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (Exception e) {
            Log.info("no desktop notification: " + e.getMessage());
        }
    }

    private static boolean available() {
        if (System.getenv("DBUS_SESSION_BUS_ADDRESS") == null && System.getenv("DISPLAY") == null
                && System.getenv("WAYLAND_DISPLAY") == null) {
            return false;
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, "notify-send").canExecute()) {
                return true;
            }
        }
        return false;
    }
}
