// Codec conformance, Kafka side. Runs against one kafka-clients jar (4.4.0, or 3.9.1 for the
// versions Kafka 4 removed) and uses only that jar's generated message classes and their
// *JsonConverter companions; compiled against 4.4.0 with APIs that 3.9.1 also has.
//
//   java -cp <classes>:<kafka-clients.jar>:<jackson jars> Conformance in.json out.json
//
// in.json:  { "check":    [ { "id", "apiKey", "version", "kind": "request"|"response", "hex" } ],
//             "generate": [ { "apiKey", "version", "kind", "variants": ["defaults", ...], "seed" } ] }
// out.json: { "kafka": "<jar version>", "specs": { "<Name>": <common/message/Name.json> },
//             "check":    [ { "id", "status": pass|fail|unsupported|read-error|write-error,
//                             "hex" (Kafka's re-encoding), "trailing", "json", "dump", "error" } ],
//             "generate": [ { "apiKey", "version", "kind", "variant", "status": ok|unsupported|error,
//                             "hex", "json", "error" } ] }
//
// "json" is the message as the jar's JsonConverter writes it for that version, with every number
// turned into its decimal text (int64 does not survive a JavaScript number) and bytes as base64.
//
// Generation walks the message's own JSON definition (common/message/<Name>.json, shipped inside
// the kafka-clients jar), builds a JSON value for the requested version and variant, and turns it
// into a message with <Name>DataJsonConverter.read(node, version): values exist only where that
// version has the field, nulls only where it is nullable, tagged fields only in flexible versions.

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

public final class Conformance {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final HexFormat HEX = HexFormat.of();

  static {
    MAPPER.configure(JsonParser.Feature.ALLOW_COMMENTS, true);
  }

  /** The jar's version, from the resource AppInfoParser reads (that class moved to
   *  org.apache.kafka.common.utils.internals in Kafka 4.2, and this runs against 3.9.1 too). */
  static String kafkaVersion() {
    try (java.io.InputStream in = Conformance.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) p.load(in);
      return p.getProperty("version", "unknown");
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  public static void main(String[] args) throws Exception {
    JsonNode in = MAPPER.readTree(new File(args[0]));
    ObjectNode out = F.objectNode();
    out.put("kafka", kafkaVersion());
    ArrayNode checks = out.putArray("check");
    for (JsonNode c : in.path("check")) checks.add(check(c));
    ArrayNode gens = out.putArray("generate");
    for (JsonNode g : in.path("generate")) {
      for (JsonNode variant : g.path("variants")) {
        gens.add(generate((short) g.get("apiKey").asInt(), (short) g.get("version").asInt(),
            g.get("kind").asText(), variant.asText(), g.path("seed").asLong(1)));
      }
    }
    // The JSON definitions of every message touched, for the static checks on the JavaScript side.
    ObjectNode specs = out.putObject("specs");
    java.util.Set<Short> keys = new java.util.TreeSet<>();
    for (JsonNode c : in.path("check")) keys.add((short) c.get("apiKey").asInt());
    for (JsonNode g : in.path("generate")) keys.add((short) g.get("apiKey").asInt());
    for (short key : keys) {
      for (String kind : new String[] {"request", "response"}) {
        ApiMessage m = newMessage(key, kind);
        if (m == null) continue;
        try {
          JsonNode s = spec(m);
          specs.set(s.get("name").asText(), s);
        } catch (Exception e) {
          // no definition in this jar: the static checks skip it
        }
      }
    }
    MAPPER.writeValue(new File(args[1]), out);
  }

  // ---- messages ------------------------------------------------------------------------------

  // The message class for (apiKey, kind), or null when this jar has no such API.
  static ApiMessage newMessage(short apiKey, String kind) {
    try {
      ApiMessageType type = ApiMessageType.fromApiKey(apiKey);
      return "request".equals(kind) ? type.newRequest() : type.newResponse();
    } catch (RuntimeException e) {
      return null;
    }
  }

  static boolean supports(ApiMessage m, short version) {
    return m != null && version >= m.lowestSupportedVersion() && version <= m.highestSupportedVersion();
  }

  static byte[] serialize(ApiMessage m, short version) {
    ObjectSerializationCache cache = new ObjectSerializationCache();
    int size = m.size(cache, version);
    ByteBuffer buf = ByteBuffer.allocate(size);
    m.write(new ByteBufferAccessor(buf), cache, version);
    if (buf.hasRemaining()) throw new IllegalStateException("size() said " + size + " but write() left " + buf.remaining() + " bytes");
    return buf.array();
  }

  static Class<?> converter(ApiMessage m) throws ClassNotFoundException {
    return Class.forName(m.getClass().getName() + "JsonConverter");
  }

  static JsonNode toJson(ApiMessage m, short version) throws Exception {
    Method write = converter(m).getMethod("write", m.getClass(), short.class);
    return textNumbers((JsonNode) invoke(write, m, version));
  }

  static ApiMessage fromJson(ApiMessage proto, JsonNode node, short version) throws Exception {
    Method read = converter(proto).getMethod("read", JsonNode.class, short.class);
    return (ApiMessage) invoke(read, node, version);
  }

  static Object invoke(Method method, Object... args) throws Exception {
    try {
      return method.invoke(null, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) throw (Exception) cause;
      throw e;
    }
  }

  // Numbers as decimal text, bytes as base64 text: what JavaScript can compare exactly.
  static JsonNode textNumbers(JsonNode n) {
    if (n.isObject()) {
      ObjectNode o = F.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        o.set(e.getKey(), textNumbers(e.getValue()));
      }
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = F.arrayNode();
      for (JsonNode x : n) a.add(textNumbers(x));
      return a;
    }
    if (n.isFloatingPointNumber()) return F.textNode(Double.toString(n.doubleValue()));
    if (n.isNumber()) return F.textNode(n.bigIntegerValue().toString());
    if (n.isBinary()) return F.textNode(java.util.Base64.getEncoder().encodeToString(((com.fasterxml.jackson.databind.node.BinaryNode) n).binaryValue()));
    return n;
  }

  static String describe(Throwable e) {
    String s = e.toString();
    StackTraceElement[] st = e.getStackTrace();
    for (int i = 0; i < Math.min(3, st.length); i++) s += " at " + st[i];
    return s;
  }

  // ---- direction 1: decode bytes Rivulet encoded, re-encode, compare ---------------------------

  static ObjectNode check(JsonNode c) {
    ObjectNode r = F.objectNode();
    r.put("id", c.get("id").asText());
    short version = (short) c.get("version").asInt();
    ApiMessage m = newMessage((short) c.get("apiKey").asInt(), c.get("kind").asText());
    if (!supports(m, version)) {
      r.put("status", "unsupported");
      return r;
    }
    byte[] in = HEX.parseHex(c.get("hex").asText());
    ByteBuffer buf = ByteBuffer.wrap(in);
    try {
      m.read(new ByteBufferAccessor(buf), version);
    } catch (Throwable e) {
      r.put("status", "read-error");
      r.put("error", describe(e));
      return r;
    }
    if (buf.hasRemaining()) r.put("trailing", buf.remaining());
    byte[] out;
    try {
      out = serialize(m, version);
    } catch (Throwable e) {
      r.put("status", "write-error");
      r.put("error", describe(e));
      r.put("dump", m.toString());
      return r;
    }
    boolean same = Arrays.equals(in, out) && !buf.hasRemaining();
    r.put("status", same ? "pass" : "fail");
    r.put("hex", HEX.formatHex(out));
    try {
      r.set("json", toJson(m, version));
    } catch (Throwable e) {
      r.put("jsonError", describe(e));
    }
    if (!same) r.put("dump", m.toString());
    return r;
  }

  // ---- direction 2: generate varied messages for Rivulet to decode -----------------------------

  static final Map<String, JsonNode> SPECS = new HashMap<>();

  static JsonNode spec(ApiMessage proto) throws Exception {
    String name = proto.getClass().getSimpleName().replaceFirst("Data$", "");
    JsonNode s = SPECS.get(name);
    if (s == null) {
      try (InputStream is = Conformance.class.getClassLoader().getResourceAsStream("common/message/" + name + ".json")) {
        if (is == null) throw new IllegalStateException("no common/message/" + name + ".json in the jar");
        s = MAPPER.readTree(is);
      }
      SPECS.put(name, s);
    }
    return s;
  }

  static ObjectNode generate(short apiKey, short version, String kind, String variant, long seed) {
    ObjectNode r = F.objectNode();
    r.put("apiKey", apiKey);
    r.put("version", version);
    r.put("kind", kind);
    r.put("variant", variant);
    ApiMessage proto = newMessage(apiKey, kind);
    if (!supports(proto, version)) {
      r.put("status", "unsupported");
      return r;
    }
    JsonNode input = null;
    try {
      ApiMessage m;
      if (variant.equals("defaults")) {
        m = proto; // the generated class's own defaults
      } else {
        JsonNode spec = spec(proto);
        Gen gen = new Gen(spec, version, variant, seed ^ ((long) apiKey << 32) ^ ((long) version << 16) ^ kind.hashCode() ^ variant.hashCode());
        input = gen.struct(spec.get("fields"), 0);
        m = fromJson(proto, input, version);
      }
      byte[] bytes = serialize(m, version);
      // Kafka must agree with itself before we blame anyone else.
      ApiMessage again = newMessage(apiKey, kind);
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      again.read(new ByteBufferAccessor(buf), version);
      if (buf.hasRemaining() || !Arrays.equals(bytes, serialize(again, version))) {
        throw new IllegalStateException("Kafka does not round-trip its own message");
      }
      r.put("status", "ok");
      r.put("hex", HEX.formatHex(bytes));
      r.set("json", toJson(m, version));
    } catch (Throwable e) {
      r.put("status", "error");
      r.put("error", describe(e));
      if (input != null) r.set("input", input);
    }
    return r;
  }

  record Range(int min, int max) {
    static Range parse(String s) {
      if (s == null || s.isEmpty() || s.equals("none")) return new Range(1, 0);
      if (s.endsWith("+")) return new Range(Integer.parseInt(s.substring(0, s.length() - 1)), Integer.MAX_VALUE);
      int dash = s.indexOf('-');
      if (dash > 0) return new Range(Integer.parseInt(s.substring(0, dash)), Integer.parseInt(s.substring(dash + 1)));
      int v = Integer.parseInt(s);
      return new Range(v, v);
    }

    boolean has(int v) {
      return v >= min && v <= max;
    }
  }

  // Builds the JSON form of one message. Variants (the same names Rivulet's side uses):
  //   nulls   every nullable field null, arrays empty, strings empty, numbers 0, tagged fields left out
  //   min     numbers at their minimum, strings empty, one element per array, nullables set, tagged set
  //   max     numbers at their maximum, long unicode strings, two elements per array, tagged set
  //   long    the outermost arrays hold 130-200 elements (two-byte lengths), inner ones 0-1, short
  //           strings and bytes (max has the long ones)
  //   random-N  a seeded mixture of all of the above
  static final class Gen {
    static final String[] STRINGS = {
      "", "a", "orders", "ünïcödé", "日本語のトピック", "emoji 😀🎉 mixed", "with space and \"quotes\"", "x".repeat(40),
    };
    final Map<String, JsonNode> common = new HashMap<>();
    final short version;
    final boolean flexible;
    final String variant;
    final Random rnd;
    int arrayDepth = 0;

    Gen(JsonNode spec, short version, String variant, long seed) {
      for (JsonNode s : spec.path("commonStructs")) common.put(s.get("name").asText(), s.get("fields"));
      this.version = version;
      this.flexible = Range.parse(spec.path("flexibleVersions").asText("none")).has(version);
      this.variant = variant;
      this.rnd = new Random(seed);
    }

    boolean random() {
      return variant.startsWith("random");
    }

    ObjectNode struct(JsonNode fields, int depth) {
      ObjectNode o = F.objectNode();
      for (JsonNode f : fields) {
        if (!Range.parse(f.path("versions").asText("none")).has(version)) continue;
        if (f.has("tag")) {
          if (!flexible || !Range.parse(f.path("taggedVersions").asText("none")).has(version)) continue;
          boolean set = switch (variant) {
            case "nulls" -> false;
            case "min", "max", "long" -> true;
            default -> rnd.nextInt(10) < 7;
          };
          if (!set) continue;
        }
        String name = f.get("name").asText();
        o.set(Character.toLowerCase(name.charAt(0)) + name.substring(1), value(f, depth));
      }
      return o;
    }

    JsonNode value(JsonNode f, int depth) {
      String type = f.get("type").asText();
      boolean nullable = Range.parse(f.path("nullableVersions").asText("none")).has(version);
      if (nullable) {
        boolean isNull = switch (variant) {
          case "nulls" -> true;
          case "min", "max", "long" -> false;
          default -> rnd.nextInt(4) == 0;
        };
        if (isNull) return F.nullNode();
      }
      if (type.startsWith("[]")) {
        String element = type.substring(2);
        int n = arrayLength();
        ArrayNode a = F.arrayNode();
        arrayDepth++;
        for (int i = 0; i < n; i++) {
          a.add(isPrimitive(element) ? primitive(element) : struct(fieldsOf(f, element), depth + 1));
        }
        arrayDepth--;
        return a;
      }
      if (isPrimitive(type)) return primitive(type);
      return struct(fieldsOf(f, type), depth + 1);
    }

    JsonNode fieldsOf(JsonNode f, String type) {
      if (f.has("fields")) return f.get("fields");
      JsonNode c = common.get(type);
      if (c == null) throw new IllegalStateException("unknown struct type " + type);
      return c;
    }

    int arrayLength() {
      return switch (variant) {
        case "nulls" -> 0;
        case "min" -> 1;
        case "max" -> 2;
        case "long" -> arrayDepth == 0 ? 130 + rnd.nextInt(71) : rnd.nextInt(2);
        default -> rnd.nextInt(8) == 0 ? (arrayDepth == 0 ? 130 : 0) : rnd.nextInt(4);
      };
    }

    static boolean isPrimitive(String t) {
      return switch (t) {
        case "bool", "int8", "int16", "uint16", "int32", "uint32", "int64", "float64", "string", "uuid", "bytes", "records" -> true;
        default -> false;
      };
    }

    // Picks min, max, zero, small or random for a numeric type.
    long integer(long min, long max) {
      switch (variant) {
        case "nulls": return 0;
        case "min": return min;
        case "max": return max;
        default:
          switch (rnd.nextInt(6)) {
            case 0: return min;
            case 1: return max;
            case 2: return 0;
            case 3: return min < 0 ? -1 : 1;
            case 4: return Math.min(rnd.nextInt(1000), max);
            default: {
              long span = max - min;
              long x = span <= 0 ? rnd.nextLong() : min + Math.floorMod(rnd.nextLong(), span);
              return x;
            }
          }
      }
    }

    String string() {
      return switch (variant) {
        case "nulls", "min" -> "";
        case "max" -> "maximal ünïcödé 日本語 😀 ".repeat(8);
        case "long" -> STRINGS[rnd.nextInt(3)];
        default -> STRINGS[rnd.nextInt(STRINGS.length)] + (rnd.nextInt(10) == 0 ? "-é".repeat(100) : "");
      };
    }

    byte[] bytes() {
      int n = switch (variant) {
        case "nulls", "min" -> 0;
        case "max" -> 300;
        case "long" -> 3;
        default -> rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(40);
      };
      byte[] b = new byte[n];
      rnd.nextBytes(b);
      return b;
    }

    JsonNode primitive(String type) {
      switch (type) {
        case "bool":
          return F.booleanNode(switch (variant) {
            case "nulls", "min" -> false;
            case "max", "long" -> true;
            default -> rnd.nextBoolean();
          });
        case "int8": return F.numberNode((byte) integer(Byte.MIN_VALUE, Byte.MAX_VALUE));
        case "int16": return F.numberNode((short) integer(Short.MIN_VALUE, Short.MAX_VALUE));
        case "uint16": return F.numberNode((int) integer(0, 65535));
        case "int32": return F.numberNode((int) integer(Integer.MIN_VALUE, Integer.MAX_VALUE));
        case "uint32": return F.numberNode(integer(0, 4294967295L));
        case "int64": return F.numberNode(integer(Long.MIN_VALUE, Long.MAX_VALUE));
        case "float64": {
          double[] pick = {0.0, -1.5, 3.25, 1e300, -1e-300, Double.MAX_VALUE, Double.MIN_VALUE};
          double d = switch (variant) {
            case "nulls" -> 0.0;
            case "min" -> -Double.MAX_VALUE;
            case "max" -> Double.MAX_VALUE;
            default -> pick[rnd.nextInt(pick.length)];
          };
          return F.numberNode(d);
        }
        case "string": return F.textNode(string());
        case "uuid": {
          if (variant.equals("nulls")) return F.textNode(Uuid.ZERO_UUID.toString());
          return F.textNode(new Uuid(rnd.nextLong(), rnd.nextLong()).toString());
        }
        case "bytes":
        case "records":
          return F.binaryNode(bytes());
        default: throw new IllegalStateException("not a primitive: " + type);
      }
    }
  }
}
