/// Schema version 1. Shipped: never edit this text; change the schema with a new version file.
enum MigrationV1 {
    static let sql = """
        -- The journal: one row per record, hash-chained (docs/journal.md). AUTOINCREMENT keeps
        -- sqlite_sequence at the highest seq ever written, so deleting the newest records shows.
        CREATE TABLE journal (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            kind TEXT NOT NULL,
            kioskId TEXT NOT NULL,
            sessionId TEXT,
            subjectRef TEXT,
            display TEXT NOT NULL,
            payload TEXT NOT NULL,
            prevHash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        -- The last record pruned by retention: the chain is verified from here.
        CREATE TABLE journal_anchor (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL,
            time TEXT NOT NULL,
            prunedAt TEXT NOT NULL,
            prunedCount INTEGER NOT NULL
        );
        CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
        BEGIN
            SELECT RAISE(ABORT, 'the journal is append-only');
        END;
        CREATE TRIGGER journal_prune_only BEFORE DELETE ON journal
        WHEN OLD.seq > COALESCE((SELECT seq FROM journal_anchor WHERE id = 1), 0)
        BEGIN
            SELECT RAISE(ABORT, 'journal records are deleted only by retention, behind the anchor');
        END;

        -- Delivery state per destination: for the journal, everything up to ackedSeq is at the hub.
        CREATE TABLE outbox_cursor (
            destination TEXT PRIMARY KEY,
            ackedSeq INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            lastAttemptAt TEXT,
            lastDeliveryAt TEXT,
            lastError TEXT,
            lastErrorAt TEXT
        );
        INSERT INTO outbox_cursor (destination) VALUES ('hub.journal'), ('hub.ratings');

        -- Items delivered one by one (ratings), in id order.
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            destination TEXT NOT NULL,
            itemKey TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered')),
            createdAt TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            lastAttemptAt TEXT,
            lastError TEXT,
            deliveredAt TEXT,
            UNIQUE (destination, itemKey)
        );
        CREATE INDEX outbox_pending ON outbox (destination, state, id);

        CREATE TABLE ratings (
            transactionId TEXT PRIMARY KEY,
            service TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
            comment TEXT,
            sessionId TEXT,
            time TEXT NOT NULL
        );

        CREATE TABLE print_requests (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            printer TEXT NOT NULL,
            sessionId TEXT,
            documentSHA256 TEXT NOT NULL,
            pages INTEGER NOT NULL,
            createdAt TEXT NOT NULL,
            jobId INTEGER,
            safeToRetry INTEGER NOT NULL,
            outcome TEXT,
            finishedAt TEXT
        );
        CREATE INDEX print_requests_open ON print_requests (outcome, createdAt);

        CREATE TABLE config_versions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            version TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            source TEXT NOT NULL,
            appliedAt TEXT NOT NULL,
            body TEXT NOT NULL
        );

        CREATE TABLE device_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            device TEXT NOT NULL,
            event TEXT NOT NULL,
            detail TEXT
        );
        """
}
