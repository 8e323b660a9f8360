package io.llmtestbench.cli;

import io.llmtestbench.runtime.LoadOptions.JarVerification;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --verify-jar allow-list|reproduce}: how pre-compiled plugin jars are checked (LoadOptions.jarVerification). */
final class VerifyJarOption {
    @Option(names = "--verify-jar", paramLabel = "allow-list|reproduce", converter = Mode.class,
            description = "How a pre-compiled plugin jar's classes are checked: allow-list (default: every reference on the "
                    + "compiler's allow-list, so it reaches nothing outside its instance) or reproduce (also byte for byte what "
                    + "this compiler generates from the jar's source.wasm, so its fuel metering is real; the first load compiles "
                    + "it, later ones find the verdict in the cache directory).")
    JarVerification mode = JarVerification.ALLOW_LIST;

    static final class Mode implements ITypeConverter<JarVerification> {
        @Override
        public JarVerification convert(String value) {
            switch (value) {
                case "allow-list": return JarVerification.ALLOW_LIST;
                case "reproduce": return JarVerification.REPRODUCE;
                default: throw new TypeConversionException("'" + value + "' is not allow-list or reproduce");
            }
        }
    }
}
