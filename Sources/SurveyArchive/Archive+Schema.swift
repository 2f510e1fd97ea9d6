import GRDB
import SurveyCore

extension Archive {
    /// The typed columns of a survey return: every money and count field of the form (money in yuan). Each has
    /// its column in `record`, made by a migration below; a field added to the form needs a new migration that
    /// adds its column (`ArchiveTests.testEveryNumberFieldOfTheFormHasAColumn` fails until it has one).
    static let numberFields: [String] = SurveyReturn.numberFields

    /// Schema changes: append-only, named, and each a fixed text that never changes once shipped and never
    /// depends on the application's types (GRDB's rule). v1 and v2 were built from the live form until
    /// 2026-12; their texts below are what they ran then (the form had not changed since), so an archive
    /// written by any release migrates the same way (`Tests/Fixtures/archive-v4.sqlite`). The long lines of
    /// number columns are kept as they were generated: `ArchiveTests` compares a fresh archive's schema, text
    /// and all, with that of the fixture.
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
              revenue INTEGER, revenue_agency INTEGER, revenue_legal INTEGER, revenue_information INTEGER, revenue_consulting INTEGER, revenue_operation INTEGER, revenue_training INTEGER, revenue_other INTEGER, foreign_revenue INTEGER, pledge_financing INTEGER, pledge_deals INTEGER, transaction_value INTEGER, staff INTEGER, staff_degree INTEGER, patent_attorneys INTEGER, new_hires INTEGER, new_graduates INTEGER, patent_filings INTEGER, patent_filings_local INTEGER, invention_filings INTEGER, pct_filings INTEGER, trademark_filings INTEGER, trademark_filings_local INTEGER, clients INTEGER, clients_hightech INTEGER, abnormal_notified INTEGER, abnormal_withdrawn INTEGER,
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
        m.registerMigration("v2: rows without a copy of their cells; supersession stored; period index") { db in
            // A row's cells are read again from the stored bytes of its file (`rows(of:)`), so they are no longer
            // copied into `record` (a third of what an ingest wrote). Rows stored by v1 keep their copy. Personal
            // data (contact, phone, submitted_on) likewise stays only in the stored bytes from v2 on.
            // `superseded_at` is the receipt time of the next accepted return for the same credit code × period
            // and `superseded_by` its row (NULL while none): a return is current as of T when
            // received_at ≤ T < superseded_at. With these stored, no index on credit codes is needed: inserting
            // into one, all over the tree, was a fifth of an ingest (333,000 rows: 4.9 s → 3.9 s without it).
            let columns = """
                id, file_id, line, accepted, cells, findings, credit_code, period, zone, received_at, \
                agency_name, agency_kind, business_types, brand_level, \
                revenue, revenue_agency, revenue_legal, revenue_information, revenue_consulting, revenue_operation, \
                revenue_training, revenue_other, foreign_revenue, pledge_financing, pledge_deals, transaction_value, \
                staff, staff_degree, patent_attorneys, new_hires, new_graduates, patent_filings, \
                patent_filings_local, invention_filings, pct_filings, trademark_filings, trademark_filings_local, clients, \
                clients_hightech, abnormal_notified, abnormal_withdrawn, \
                contact, phone, submitted_on
                """
            try db.execute(sql: """
            CREATE TABLE record_v2 (
              id INTEGER PRIMARY KEY,
              file_id INTEGER NOT NULL REFERENCES file(id),
              line INTEGER NOT NULL,
              accepted INTEGER NOT NULL,
              cells TEXT,                      -- NULL: read from the file's stored bytes (rows stored from v2 on)
              findings TEXT,
              credit_code TEXT, period TEXT, zone TEXT, received_at TEXT,
              agency_name TEXT, agency_kind TEXT, business_types INTEGER, brand_level TEXT,
              revenue INTEGER, revenue_agency INTEGER, revenue_legal INTEGER, revenue_information INTEGER, revenue_consulting INTEGER, revenue_operation INTEGER, revenue_training INTEGER, revenue_other INTEGER, foreign_revenue INTEGER, pledge_financing INTEGER, pledge_deals INTEGER, transaction_value INTEGER, staff INTEGER, staff_degree INTEGER, patent_attorneys INTEGER, new_hires INTEGER, new_graduates INTEGER, patent_filings INTEGER, patent_filings_local INTEGER, invention_filings INTEGER, pct_filings INTEGER, trademark_filings INTEGER, trademark_filings_local INTEGER, clients INTEGER, clients_hightech INTEGER, abnormal_notified INTEGER, abnormal_withdrawn INTEGER,
              contact TEXT, phone TEXT, submitted_on TEXT,
              superseded_at TEXT, superseded_by INTEGER
            );
            INSERT INTO record_v2 (\(columns)) SELECT \(columns) FROM record;
            DROP TABLE record;
            ALTER TABLE record_v2 RENAME TO record;
            CREATE INDEX record_file ON record(file_id, line);
            CREATE INDEX record_period ON record(period) WHERE credit_code IS NOT NULL;
            """)
            try Archive.resupersede(db, periods: nil)
        }
        m.registerMigration("v3: a file's bytes in a table of their own; its rows by id range") { db in
            // An ingest writes a file's counts once its rows are checked. With the bytes in the same row, that
            // UPDATE rewrote all of them again (0.3 s of a 77 MB file's 2.7 s); in a row of their own they are
            // written once.
            // A file's rows are written in one transaction, in line order, so their ids are one unbroken range:
            // `first_row`…`last_row` finds them, and the index on (file_id, line) is no longer kept up on every
            // insert (about 0.2 s of a 333,000-row file).
            try db.execute(sql: """
            CREATE TABLE file_content (
              file_id INTEGER PRIMARY KEY REFERENCES file(id),
              content BLOB NOT NULL            -- the bytes as received
            );
            INSERT INTO file_content (file_id, content) SELECT id, content FROM file;
            CREATE TABLE file_v3 (
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
              first_row INTEGER,               -- the ids of its rows in `record`: first_row…last_row, in line order
              last_row INTEGER                 -- (NULL when it has none)
            );
            INSERT INTO file_v3 SELECT id, sha256, name, size, encoding, kind, received_at, header, rows, accepted, rejected,
                                       warnings, findings,
                                       (SELECT MIN(r.id) FROM record r WHERE r.file_id = file.id),
                                       (SELECT MAX(r.id) FROM record r WHERE r.file_id = file.id) FROM file;
            DROP TABLE file;
            ALTER TABLE file_v3 RENAME TO file;
            CREATE INDEX file_received ON file(received_at, id);
            DROP INDEX record_file;
            """)
        }
        m.registerMigration("v4: releases") { db in
            // A release is the protected set of figures published for a period as the archive stood at `as_of`:
            // every published output of the period prints its cells. Its cells are recomputed from the archive
            // at `as_of` and must hash to `data_digest`; the pattern (hidden cells and statuses) is stored as
            // text, `digest` its SHA-256, so a query answers from it without searching again.
            try db.execute(sql: """
            CREATE TABLE release (
              id INTEGER PRIMARY KEY,
              period TEXT NOT NULL,
              as_of TEXT NOT NULL,             -- ISO 8601 UTC: the latest receipt the release reads
              digest TEXT NOT NULL,            -- SHA-256 of the pattern text
              data_digest TEXT NOT NULL,       -- SHA-256 of the cells' values
              pattern TEXT NOT NULL,           -- one hidden cell a line: key, tab, status
              cells INTEGER NOT NULL,          -- publishable cells of the linked set
              hidden INTEGER NOT NULL,         -- of which hidden (A, O, D)
              UNIQUE (period, as_of, digest)
            );
            """)
        }
        m.registerMigration("v5: targets with the plan's words, a base year and a tolerance") { db in
            // Targets as the plans write them (SPEC.md "Targets"): the quote shown beside each, the base year of an
            // increase or growth target, the tolerance of an "about" target. `value` may now be empty ('') for a
            // reference target without a margin.
            try db.execute(sql: """
            ALTER TABLE target ADD COLUMN quote TEXT;
            ALTER TABLE target ADD COLUMN base_year TEXT;
            ALTER TABLE target ADD COLUMN tolerance TEXT;
            """)
        }
        m.registerMigration("v6: the province's designation of an agency") { db in
            // 龙头 / 特色 (the 2025 provincial measures), a field of the return form from 2026-12; NULL for returns
            // stored before it, which did not say.
            try db.execute(sql: "ALTER TABLE record ADD COLUMN province_designation TEXT")
        }
        m.registerMigration("v7: a zone's plan title in English") { db in
            // For the English white paper (issue 16); '' for zones stored before it, whose paper shows the Chinese title.
            try db.execute(sql: "ALTER TABLE zone ADD COLUMN plan_doc_en TEXT NOT NULL DEFAULT ''")
        }
        m.registerMigration("v8: the registry of resident agencies") { db in
            // agencies.csv (issue 17): who is expected to file besides last period's filers. Dates are YYYY-MM-DD,
            // '' when open.
            try db.execute(sql: """
                CREATE TABLE agency (
                  id INTEGER PRIMARY KEY,
                  file_id INTEGER NOT NULL REFERENCES file(id),
                  received_at TEXT NOT NULL,
                  credit_code TEXT NOT NULL,
                  agency_name TEXT NOT NULL,
                  zone TEXT NOT NULL,
                  entered_on TEXT NOT NULL,
                  left_on TEXT NOT NULL
                );
                CREATE INDEX agency_by_code ON agency(credit_code, received_at);
                """)
        }
        m.registerMigration("v9: a file's format") { db in
            // Excel workbooks are read directly (issue 18): 'csv' or 'xlsx'. Files stored before it were CSV.
            try db.execute(sql: "ALTER TABLE file ADD COLUMN format TEXT NOT NULL DEFAULT 'csv'")
        }
        m.registerMigration("v10: a release's totals") { db in
            // The totals of a release's period in its finest groups (SurveyStatistics.Cube), so that a query answers
            // from them instead of reading every return again (a national year: a million). `layout` says what
            // the bytes mean; `files` is the digest of the files received by the release's as-of when they were
            // made: another file received by then since (an earlier --received-at) makes them stale, and the
            // query reads the returns as before.
            try db.execute(sql: """
                CREATE TABLE release_totals (
                  release_id INTEGER PRIMARY KEY REFERENCES release(id),
                  layout TEXT NOT NULL,
                  files TEXT NOT NULL,
                  digest TEXT NOT NULL,            -- SHA-256 of totals
                  totals BLOB NOT NULL
                );
                """)
        }
        m.registerMigration("v11: a file's bytes in pieces, compressed") { db in
            // A file's bytes in pieces of about a MiB in file order, each as read ('raw') or one Zstandard frame
            // ('zstd') that decodes to `size` bytes (SurveyArchive.StoredBytes). Writing a 1M-row file's 254 MB
            // into one blob and its WAL was the larger half of its ingest; compressed it is 66 MB. The bytes
            // stored before are moved as they are, one raw piece each.
            try db.execute(sql: """
                CREATE TABLE file_piece (
                  file_id INTEGER NOT NULL REFERENCES file(id),
                  offset INTEGER NOT NULL,         -- where the piece starts in the file as received
                  size INTEGER NOT NULL,           -- its bytes as received
                  codec TEXT NOT NULL,             -- raw | zstd
                  bytes BLOB NOT NULL,
                  PRIMARY KEY (file_id, offset)
                );
                INSERT INTO file_piece (file_id, offset, size, codec, bytes)
                  SELECT file_id, 0, length(content), 'raw', content FROM file_content WHERE length(content) > 0;
                DROP TABLE file_content;
                """)
        }
        return m
    }

    /// Sets `superseded_at` and `superseded_by` of the accepted returns of these periods (of all when nil): the
    /// receipt time and row of the next version of the same credit code × period in (received_at, id) order.
    /// Correct whatever order the files were received in (an ingest with an earlier `--received-at`).
    static func resupersede(_ db: Database, periods: [String]?) throws {
        let only = periods.map { ps in "AND r.period IN (\(ps.map { _ in "?" }.joined(separator: ",")))" } ?? ""
        try db.execute(sql: """
            UPDATE record SET superseded_at = v.nxt, superseded_by = v.nxt_id
            FROM (SELECT r.id, r.superseded_by AS old_id, LEAD(r.received_at) OVER w AS nxt, LEAD(r.id) OVER w AS nxt_id
                  FROM record r WHERE r.credit_code IS NOT NULL \(only)
                  WINDOW w AS (PARTITION BY r.credit_code, r.period ORDER BY r.received_at, r.id)) AS v
            WHERE record.id = v.id AND v.old_id IS NOT v.nxt_id
            """, arguments: StatementArguments(periods ?? []))
    }
}
