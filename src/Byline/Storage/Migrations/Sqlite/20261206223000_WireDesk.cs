using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Byline.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WireDesk : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WireSources",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AgencyName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreditLine = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    DefaultSectionId = table.Column<int>(type: "INTEGER", nullable: true),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    PollIntervalSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProtectedCredentials = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ProtectedPushSecret = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ETag = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    LastModified = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    NextPollAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastSuccessAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastErrorAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WireSources", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WireSources_Sections_DefaultSectionId",
                        column: x => x.DefaultSectionId,
                        principalTable: "Sections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "WireItems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SourceId = table.Column<int>(type: "INTEGER", nullable: false),
                    AgencyId = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Urgency = table.Column<int>(type: "INTEGER", nullable: true),
                    Subjects = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Dateline = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Headline = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    BodyHtml = table.Column<string>(type: "TEXT", nullable: false),
                    BodyText = table.Column<string>(type: "TEXT", nullable: false),
                    Pictures = table.Column<string>(type: "TEXT", nullable: false),
                    HasPictures = table.Column<bool>(type: "INTEGER", nullable: false),
                    EmbargoUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Signal = table.Column<int>(type: "INTEGER", nullable: false),
                    KilledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SimHash = table.Column<long>(type: "INTEGER", nullable: false),
                    ClusterId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WireItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WireItems_WireSources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "WireSources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WireQuarantine",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SourceId = table.Column<int>(type: "INTEGER", nullable: false),
                    AgencyId = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Excerpt = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WireQuarantine", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WireQuarantine_WireSources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "WireSources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WireItemVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    SourceId = table.Column<int>(type: "INTEGER", nullable: false),
                    AgencyId = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Headline = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    BodyHtml = table.Column<string>(type: "TEXT", nullable: false),
                    Signal = table.Column<int>(type: "INTEGER", nullable: false),
                    EmbargoUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WireItemVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WireItemVersions_WireItems_ItemId",
                        column: x => x.ItemId,
                        principalTable: "WireItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WireSimKeys",
                columns: table => new
                {
                    Key = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WireSimKeys", x => new { x.Key, x.ItemId });
                    table.ForeignKey(
                        name: "FK_WireSimKeys_WireItems_ItemId",
                        column: x => x.ItemId,
                        principalTable: "WireItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WireStoryLinks",
                columns: table => new
                {
                    ArticleId = table.Column<int>(type: "INTEGER", nullable: false),
                    ItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WireStoryLinks", x => new { x.ArticleId, x.ItemId });
                    table.ForeignKey(
                        name: "FK_WireStoryLinks_Articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "Articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_WireStoryLinks_WireItems_ItemId",
                        column: x => x.ItemId,
                        principalTable: "WireItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WireItems_ClusterId",
                table: "WireItems",
                column: "ClusterId");

            migrationBuilder.CreateIndex(
                name: "IX_WireItems_ReceivedAt_Id",
                table: "WireItems",
                columns: new[] { "ReceivedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WireItems_SourceId_AgencyId",
                table: "WireItems",
                columns: new[] { "SourceId", "AgencyId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WireItems_SourceId_ReceivedAt_Id",
                table: "WireItems",
                columns: new[] { "SourceId", "ReceivedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WireItemVersions_ItemId",
                table: "WireItemVersions",
                column: "ItemId");

            migrationBuilder.CreateIndex(
                name: "IX_WireItemVersions_SourceId_AgencyId_Version",
                table: "WireItemVersions",
                columns: new[] { "SourceId", "AgencyId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WireQuarantine_SourceId_Id",
                table: "WireQuarantine",
                columns: new[] { "SourceId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WireSimKeys_ItemId",
                table: "WireSimKeys",
                column: "ItemId");

            migrationBuilder.CreateIndex(
                name: "IX_WireSources_DefaultSectionId",
                table: "WireSources",
                column: "DefaultSectionId");

            migrationBuilder.CreateIndex(
                name: "IX_WireStoryLinks_ItemId",
                table: "WireStoryLinks",
                column: "ItemId");

            // Full-text search over the wire: an FTS5 table kept in step with WireItems by triggers, so every
            // write path (poll, push, prune) keeps it right inside its own transaction.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "WireSearch" USING fts5(headline, body, tokenize = 'porter unicode61 remove_diacritics 2');
                CREATE TRIGGER "WireItems_Search_Insert" AFTER INSERT ON "WireItems" BEGIN
                    INSERT INTO "WireSearch" (rowid, headline, body) VALUES (new."Id", new."Headline", new."BodyText");
                END;
                CREATE TRIGGER "WireItems_Search_Update" AFTER UPDATE OF "Headline", "BodyText" ON "WireItems" BEGIN
                    DELETE FROM "WireSearch" WHERE rowid = old."Id";
                    INSERT INTO "WireSearch" (rowid, headline, body) VALUES (new."Id", new."Headline", new."BodyText");
                END;
                CREATE TRIGGER "WireItems_Search_Delete" AFTER DELETE ON "WireItems" BEGIN
                    DELETE FROM "WireSearch" WHERE rowid = old."Id";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "WireItems_Search_Insert";
                DROP TRIGGER IF EXISTS "WireItems_Search_Update";
                DROP TRIGGER IF EXISTS "WireItems_Search_Delete";
                DROP TABLE IF EXISTS "WireSearch";
                """);

            migrationBuilder.DropTable(
                name: "WireItemVersions");

            migrationBuilder.DropTable(
                name: "WireQuarantine");

            migrationBuilder.DropTable(
                name: "WireSimKeys");

            migrationBuilder.DropTable(
                name: "WireStoryLinks");

            migrationBuilder.DropTable(
                name: "WireItems");

            migrationBuilder.DropTable(
                name: "WireSources");
        }
    }
}
