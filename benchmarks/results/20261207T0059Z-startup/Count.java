import java.security.*;
import java.util.concurrent.atomic.AtomicLong;
public class Count {
  public static final class C extends MessageDigestSpi {
    static final AtomicLong BYTES = new AtomicLong();
    private final MessageDigest sha;
    public C() throws Exception { sha = MessageDigest.getInstance("SHA-256", "SUN"); }
    protected void engineUpdate(byte b) { BYTES.incrementAndGet(); sha.update(b); }
    protected void engineUpdate(byte[] b, int o, int l) { BYTES.addAndGet(l); sha.update(b, o, l); }
    protected byte[] engineDigest() { return sha.digest(); }
    protected void engineReset() { sha.reset(); }
  }
  public static void main(String[] a) throws Exception {
    Security.insertProviderAt(new Provider("Counting", "1", "x") {{ put("MessageDigest.SHA-256", C.class.getName()); }}, 1);
    First.main(a);
    System.out.println("sha256 bytes " + C.BYTES.get());
  }
}
