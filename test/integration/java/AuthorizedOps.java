// Prints what Kafka's Java Admin reports as authorized operations for a topic, the cluster and a
// group (includeAuthorizedOperations), one "kind: OP,OP,..." line each, operations sorted.
// Usage: java -cp <kafka jars> AuthorizedOps.java <bootstrap> <topic> <group> [user password]
import java.util.*;
import java.util.stream.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.acl.AclOperation;

public class AuthorizedOps {
  static String ops(Set<AclOperation> s) {
    return s == null ? "null" : s.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
  }

  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    if (args.length > 4) {
      p.put("security.protocol", "SASL_PLAINTEXT");
      p.put("sasl.mechanism", "PLAIN");
      p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + args[3] + "\" password=\"" + args[4] + "\";");
    }
    try (Admin admin = Admin.create(p)) {
      TopicDescription t = admin.describeTopics(List.of(args[1]), new DescribeTopicsOptions().includeAuthorizedOperations(true)).allTopicNames().get().get(args[1]);
      System.out.println("topic: " + ops(t.authorizedOperations()));
      System.out.println("cluster: " + ops(admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true)).authorizedOperations().get()));
      ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(args[2]), new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)).all().get().get(args[2]);
      System.out.println("group: " + ops(g.authorizedOperations()));
    }
  }
}
