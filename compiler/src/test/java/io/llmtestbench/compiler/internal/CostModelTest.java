package io.llmtestbench.compiler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.types.OpCode;
import org.junit.jupiter.api.Test;

/**
 * The costs of cost model version {@link CostModel#VERSION} (docs/metering.md §1). A change to any cost fails here:
 * bump {@code VERSION} (every stamp then changes, so caches and pre-compiled jars are refused rather than charged
 * differently) and update this table.
 */
class CostModelTest {

    @Test
    void theCostsAreThoseOfTheirVersion() {
        assertThat(CostModel.VERSION).isEqualTo(2);
        for (OpCode op : OpCode.values()) {
            assertThat(CostModel.cost(op)).as(op.name()).isEqualTo(1);
        }
        assertThat(CostModel.bulkCost(0, CostModel.BULK_BYTES)).isZero();
        assertThat(CostModel.bulkCost(1, CostModel.BULK_BYTES)).isEqualTo(1);
        assertThat(CostModel.bulkCost(17, CostModel.BULK_BYTES)).isEqualTo(3);
        assertThat(CostModel.bulkCost(-1, CostModel.BULK_BYTES)).isEqualTo(((1L << 32) - 1 + 7) / 8); // unsigned count
        assertThat(CostModel.bulkCost(5, CostModel.BULK_ELEMENTS)).isEqualTo(5);
        assertThat(CostModel.bulkCost(2, CostModel.BULK_PAGES)).isEqualTo(2 * 8192);
        assertThat(CostModel.hostCallCost(0)).isEqualTo(50);
        assertThat(CostModel.hostCallCost(15)).isEqualTo(50);
        assertThat(CostModel.hostCallCost(16)).isEqualTo(51);
        assertThat(CostModel.hostCallCost(1600)).isEqualTo(150);
        assertThat(CostModel.hostCopyCost(31)).isEqualTo(1);
    }
}
