package io.procsocket.log;

import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * A log record taken apart as both line formats need it: the gateway's own (category and key:'value' fields ride in
 * its two parameters, its message is already formatted) or a library's (Grizzly, Tyrus, the JVM: the logger's simple
 * name as category, its message formatted, the throwable appended).
 *
 * @param fields the gateway's fields (its second parameter); null for a library's record
 * @param logger the library's logger name; null for the gateway's own record
 */
record RecordParts(String category, Object fields, String logger, String message) {
    static RecordParts of(LogRecord record, Formatter formatter) {
        Object[] params = record.getParameters();
        if (GatewayLog.LOGGER_NAME.equals(record.getLoggerName()) && params != null && params.length == 2) {
            return new RecordParts(String.valueOf(params[0]), params[1], null, record.getMessage());
        }
        String logger = record.getLoggerName() == null ? "jvm" : record.getLoggerName();
        String message = formatter.formatMessage(record);
        if (record.getThrown() != null) {
            message = message + ": " + record.getThrown();
        }
        return new RecordParts(logger.substring(logger.lastIndexOf('.') + 1), null, logger, message);
    }
}
