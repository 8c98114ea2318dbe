using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Byline.Storage.Migrations.Postgres
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AgencyName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CreditLine = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    DefaultSectionId = table.Column<int>(type: "integer", nullable: true),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    PollIntervalSeconds = table.Column<int>(type: "integer", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    ProtectedCredentials = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    ProtectedPushSecret = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    ETag = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LastModified = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    NextPollAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastSuccessAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastErrorAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SourceId = table.Column<int>(type: "integer", nullable: false),
                    AgencyId = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Urgency = table.Column<int>(type: "integer", nullable: true),
                    Subjects = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Dateline = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Headline = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    BodyHtml = table.Column<string>(type: "text", nullable: false),
                    BodyText = table.Column<string>(type: "text", nullable: false),
                    Pictures = table.Column<string>(type: "text", nullable: false),
                    HasPictures = table.Column<bool>(type: "boolean", nullable: false),
                    EmbargoUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Signal = table.Column<int>(type: "integer", nullable: false),
                    KilledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SimHash = table.Column<long>(type: "bigint", nullable: false),
                    ClusterId = table.Column<long>(type: "bigint", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SourceId = table.Column<int>(type: "integer", nullable: false),
                    AgencyId = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Excerpt = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ItemId = table.Column<long>(type: "bigint", nullable: false),
                    SourceId = table.Column<int>(type: "integer", nullable: false),
                    AgencyId = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Headline = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    BodyHtml = table.Column<string>(type: "text", nullable: false),
                    Signal = table.Column<int>(type: "integer", nullable: false),
                    EmbargoUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    Key = table.Column<int>(type: "integer", nullable: false),
                    ItemId = table.Column<long>(type: "bigint", nullable: false)
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
                    ArticleId = table.Column<int>(type: "integer", nullable: false),
                    ItemId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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

            // Full-text search over the wire: a generated, weighted tsvector (A headline, D body) with a GIN index.
            migrationBuilder.Sql("""
                ALTER TABLE "WireItems" ADD COLUMN "SearchVector" tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', "Headline"), 'A') || setweight(to_tsvector('english', "BodyText"), 'D')) STORED;
                CREATE INDEX "IX_WireItems_SearchVector" ON "WireItems" USING GIN ("SearchVector");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_WireItems_SearchVector"; ALTER TABLE "WireItems" DROP COLUMN IF EXISTS "SearchVector";""");

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
