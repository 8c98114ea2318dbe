using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Byline.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Discovery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ArticleViews",
                columns: table => new
                {
                    ArticleId = table.Column<int>(type: "integer", nullable: false),
                    Hour = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Views = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ArticleViews", x => new { x.ArticleId, x.Hour });
                    table.ForeignKey(
                        name: "FK_ArticleViews_Articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "Articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "HiddenSearchTerms",
                columns: table => new
                {
                    Term = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    HiddenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    HiddenBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HiddenSearchTerms", x => x.Term);
                });

            migrationBuilder.CreateTable(
                name: "SearchTerms",
                columns: table => new
                {
                    Term = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Day = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SearchTerms", x => new { x.Term, x.Day });
                });

            migrationBuilder.CreateTable(
                name: "TrendingOverrides",
                columns: table => new
                {
                    ArticleId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    By = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrendingOverrides", x => x.ArticleId);
                    table.ForeignKey(
                        name: "FK_TrendingOverrides_Articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "Articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ArticleViews_Hour_ArticleId",
                table: "ArticleViews",
                columns: new[] { "Hour", "ArticleId" });

            migrationBuilder.CreateIndex(
                name: "IX_SearchTerms_Day_Term",
                table: "SearchTerms",
                columns: new[] { "Day", "Term" });

            // Full-text search: a table with a generated, weighted tsvector (A headline, B standfirst and
            // tags, C authors, D body) and a GIN index, filled from the stories already published.
            migrationBuilder.Sql("""
                CREATE TABLE "ArticleSearch" (
                    "ArticleId" integer PRIMARY KEY REFERENCES "Articles" ("Id") ON DELETE CASCADE,
                    "PublishedAt" timestamp with time zone NOT NULL,
                    "SectionId" integer NOT NULL,
                    "TopSectionId" integer NOT NULL,
                    "Headline" text NOT NULL,
                    "Standfirst" text NOT NULL,
                    "Body" text NOT NULL,
                    "Tags" text NOT NULL,
                    "Authors" text NOT NULL,
                    "Document" tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('english', "Headline"), 'A') ||
                        setweight(to_tsvector('english', "Standfirst" || ' ' || "Tags"), 'B') ||
                        setweight(to_tsvector('english', "Authors"), 'C') ||
                        setweight(to_tsvector('english', "Body"), 'D')) STORED);
                CREATE INDEX "IX_ArticleSearch_Document" ON "ArticleSearch" USING GIN ("Document");
                CREATE INDEX "IX_ArticleSearch_PublishedAt" ON "ArticleSearch" ("PublishedAt");
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ArticleSearch" ("ArticleId", "PublishedAt", "SectionId", "TopSectionId", "Headline", "Standfirst", "Body", "Tags", "Authors")
                SELECT a."Id", a."PublishedAt", a."SectionId", a."TopSectionId", a."Headline", a."Standfirst", a."BodyMarkdown",
                    COALESCE((SELECT string_agg(t."Name", ' ') FROM "ArticleTags" x JOIN "Tags" t ON t."Id" = x."TagId" WHERE x."ArticleId" = a."Id"), ''),
                    COALESCE((SELECT string_agg(u."Name", ' ') FROM "ArticleAuthors" y JOIN "Authors" u ON u."Id" = y."AuthorId" WHERE y."ArticleId" = a."Id"), '')
                FROM "Articles" a WHERE a."Status" = 3 AND a."PublishedAt" IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS \"ArticleSearch\";");

            migrationBuilder.DropTable(
                name: "ArticleViews");

            migrationBuilder.DropTable(
                name: "HiddenSearchTerms");

            migrationBuilder.DropTable(
                name: "SearchTerms");

            migrationBuilder.DropTable(
                name: "TrendingOverrides");
        }
    }
}
