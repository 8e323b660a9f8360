package io.llmtestbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How {@code inspect} shows a function's name from the name section. */
class FunctionNamesTest {
    @Test
    void rustLegacySymbolsAreDemangledWithoutTheirHash() {
        assertThat(FunctionNames.demangle("_ZN4core3fmt5write17h0123456789abcdefE")).isEqualTo("core::fmt::write");
        String impl = "_ZN66_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$core..ops..drop..Drop$GT$4drop17hfedcba9876543210E";
        assertThat(FunctionNames.demangle(impl)).isEqualTo("<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop");
        assertThat(FunctionNames.demangle("_ZN9my_plugin6kernelE")).as("no hash").isEqualTo("my_plugin::kernel");
    }

    @Test
    void otherNamesAreShownAsTheyAre() {
        assertThat(FunctionNames.demangle("plugin_execute")).isEqualTo("plugin_execute");
        assertThat(FunctionNames.demangle("_ZN3foo3barEv")).as("a C++ symbol").isEqualTo("_ZN3foo3barEv");
        assertThat(FunctionNames.demangle("_ZN99shortE")).as("a length past the end").isEqualTo("_ZN99shortE");
        assertThat(FunctionNames.demangle("_RNvCs1234_7mycrate3foo")).as("Rust v0").isEqualTo("_RNvCs1234_7mycrate3foo");
    }
}
