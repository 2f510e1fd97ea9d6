import GRDB
import SurveyCore

extension Archive {
    /// The typed columns of a survey return: every money and count field of the form (money in yuan).
    static let numberFields: [String] = SurveyReturn.numberFields

    /// Schema changes, append-only and named.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: files, records, returns, zones, regional, targets") { db in
            try db.execute(sql: """
            CREATE TABLE file (
              id INTEGER PRIMARY KEY,
              sha256 TEXT NOT NULL UNIQUE,
              name TEXT NOT NULL,              -- the name it arrived under, as given to ingest
              size INTEGER NOT NULL,
              encoding TEXT NOT NULL,          -- utf-8 | utf-8-bom | gb18030
              kind TEXT NOT NULL,              -- returns | zones | regional | targets
              received_at TEXT NOT NULL,       -- ISO 8601 UTC, milliseconds
              header TEXT NOT NULL,            -- the header row as read, one CSV line
              rows INTEGER NOT NULL,
              accepted INTEGER NOT NULL,
              rejected INTEGER NOT NULL,
              warnings INTEGER NOT NULL,
              findings TEXT,                   -- file-level findings, JSON
              content BLOB NOT NULL            -- the bytes as received
            );
            CREATE INDEX file_received ON file(received_at, id);

            -- Every data row of every file: accepted or rejected, with its cells as read and its findings.
            -- For an accepted survey return the typed columns are filled; personal data stays here and is never
            -- selected by statistics.
            CREATE TABLE record (
              id INTEGER PRIMARY KEY,
              file_id INTEGER NOT NULL REFERENCES file(id),
              line INTEGER NOT NULL,
              accepted INTEGER NOT NULL,
              cells TEXT NOT NULL,
              findings TEXT,
              credit_code TEXT, period TEXT, zone TEXT, received_at TEXT,
              agency_name TEXT, agency_kind TEXT, business_types INTEGER, brand_level TEXT,
              \(numberFields.map { "\($0) INTEGER" }.joined(separator: ", ")),
              contact TEXT, phone TEXT, submitted_on TEXT
            );
            CREATE INDEX record_file ON record(file_id, line);
            CREATE INDEX record_return ON record(credit_code, period, received_at, id) WHERE credit_code IS NOT NULL;

            CREATE TABLE zone (
              id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES file(id), received_at TEXT NOT NULL,
              zone TEXT NOT NULL, name_zh TEXT NOT NULL, name_en TEXT NOT NULL, level TEXT NOT NULL, city TEXT NOT NULL,
              division_code TEXT NOT NULL, plan_start TEXT NOT NULL, plan_end TEXT NOT NULL, plan_doc TEXT NOT NULL
            );
            CREATE TABLE regional (
              id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES file(id), received_at TEXT NOT NULL,
              zone TEXT NOT NULL, period TEXT NOT NULL, indicator TEXT NOT NULL,
              value TEXT NOT NULL,             -- exact decimal as text
              source TEXT
            );
            CREATE TABLE target (
              id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES file(id), received_at TEXT NOT NULL,
              zone TEXT NOT NULL, indicator TEXT NOT NULL, op TEXT NOT NULL, value TEXT NOT NULL,
              deadline TEXT NOT NULL, source TEXT NOT NULL
            );
            """)
        }
        return m
    }
}
