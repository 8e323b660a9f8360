package io.llmtestbench.maven;

/**
 * One {@code <plugin>} of the goal's {@code <plugins>}: gives the module {@code file} another plugin id
 * and/or main class name than the defaults, or turns its ABI check off.
 *
 * <pre>{@code
 * <plugins>
 *   <plugin>
 *     <file>x.wasm</file>              <!-- a file name, or a path relative to wasmDirectory -->
 *     <id>my-id</id>                   <!-- default: PluginArtifact.idFor(file name) -->
 *     <className>com.acme.MyPlugin</className>  <!-- default: derived from the module's SHA-256 -->
 *     <checkAbi>false</checkAbi>       <!-- default true; false only for modules refused on purpose -->
 *   </plugin>
 * </plugins>
 * }</pre>
 */
public class PluginMapping {
    private String file;
    private String id;
    private String className;
    private Boolean checkAbi;

    public PluginMapping() {}

    public PluginMapping(String file, String id, String className) {
        this.file = file;
        this.id = id;
        this.className = className;
    }

    public String getFile() {
        return file;
    }

    public void setFile(String file) {
        this.file = file;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getClassName() {
        return className;
    }

    public void setClassName(String className) {
        this.className = className;
    }

    /** Null when not configured (the check is on). */
    public Boolean getCheckAbi() {
        return checkAbi;
    }

    public void setCheckAbi(Boolean checkAbi) {
        this.checkAbi = checkAbi;
    }

    @Override
    public String toString() {
        return "<plugin><file>" + file + "</file>"
                + (id != null ? "<id>" + id + "</id>" : "")
                + (className != null ? "<className>" + className + "</className>" : "")
                + (checkAbi != null ? "<checkAbi>" + checkAbi + "</checkAbi>" : "")
                + "</plugin>";
    }
}
