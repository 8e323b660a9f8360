package io.llmtestbench.runtime.spec;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Prints {@link SpecSuite#skipLine()}, once, before the first test of this module runs, when the spec suite is not
 * found: a clone without {@code ../shared} still passes {@code mvn -B verify}, and says loudly what it did not run.
 * Registered in {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class SpecSuiteNotice implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        boolean missing;
        try {
            missing = SpecSuite.find().isEmpty();
        } catch (AssertionError e) {
            return; // configured or required but missing: the spec tests fail and say why
        }
        if (missing) {
            System.out.println(SpecSuite.skipLine());
        }
    }
}
