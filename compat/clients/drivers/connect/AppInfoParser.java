// A bridge for connect-file 4.3.1 on the Connect 4.4.0 runtime. connect-file 4.4.0 is not published
// on Maven Central (see pom.xml), and the 4.3.1 FileStream connectors call
// org.apache.kafka.common.utils.AppInfoParser.getVersion() from version(), a class kafka-clients
// 4.4.0 moved to org.apache.kafka.common.utils.internals (the only class connect-file 4.3.1 uses
// that 4.4.0 lacks: checked with javap). Without it the worker cannot list or create the
// connectors (NoClassDefFoundError in PluginScanner and in PUT /connectors/{name}/config).
// This forwards to the moved class, so the connectors report the runtime's version as the
// connect-file 4.4.0 built with Kafka does.
package org.apache.kafka.common.utils;

public final class AppInfoParser {
  private AppInfoParser() {}

  public static String getVersion() {
    return org.apache.kafka.common.utils.internals.AppInfoParser.getVersion();
  }

  public static String getCommitId() {
    return org.apache.kafka.common.utils.internals.AppInfoParser.getCommitId();
  }
}
