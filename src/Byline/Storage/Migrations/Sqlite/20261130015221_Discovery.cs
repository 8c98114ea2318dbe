using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Byline.Storage.Migrations.Sqlite
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
                    ArticleId = table.Column<int>(type: "INTEGER", nullable: false),
                    Hour = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Views = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Term = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    HiddenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    HiddenBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HiddenSearchTerms", x => x.Term);
                });

            migrationBuilder.CreateTable(
                name: "SearchTerms",
                columns: table => new
                {
                    Term = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Day = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SearchTerms", x => new { x.Term, x.Day });
                });

            migrationBuilder.CreateTable(
                name: "TrendingOverrides",
                columns: table => new
                {
                    ArticleId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
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

            // Full-text search: an FTS5 table keyed by article id (rowid), filled from the stories already published.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "ArticleSearch" USING fts5(
                    headline, standfirst, body, tags, authors,
                    tokenize = 'porter unicode61 remove_diacritics 2');
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ArticleSearch" (rowid, headline, standfirst, body, tags, authors)
                SELECT a."Id", a."Headline", a."Standfirst", a."BodyMarkdown",
                    COALESCE((SELECT group_concat(t."Name", ' ') FROM "ArticleTags" x JOIN "Tags" t ON t."Id" = x."TagId" WHERE x."ArticleId" = a."Id"), ''),
                    COALESCE((SELECT group_concat(u."Name", ' ') FROM "ArticleAuthors" y JOIN "Authors" u ON u."Id" = y."AuthorId" WHERE y."ArticleId" = a."Id"), '')
                FROM "Articles" a WHERE a."Status" = 3;
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
