using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Byline.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NewsletterBounces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Subscribers from before imports existed came through the site's form.
            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "NewsletterSubscribers",
                type: "TEXT",
                maxLength: 50,
                nullable: false,
                defaultValue: "site");

            migrationBuilder.AddColumn<DateTime>(
                name: "SuppressionLiftedAt",
                table: "NewsletterSubscribers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "NewsletterBounces",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SubscriberId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Via = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ReportKey = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NewsletterBounces", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NewsletterBounces_NewsletterSubscribers_SubscriberId",
                        column: x => x.SubscriberId,
                        principalTable: "NewsletterSubscribers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "NewsletterJobLeases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Until = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NewsletterJobLeases", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_NewsletterSubscribers_SuppressedAt",
                table: "NewsletterSubscribers",
                column: "SuppressedAt");

            migrationBuilder.CreateIndex(
                name: "IX_NewsletterBounces_ReportKey",
                table: "NewsletterBounces",
                column: "ReportKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NewsletterBounces_SubscriberId_Kind_ReceivedAt",
                table: "NewsletterBounces",
                columns: new[] { "SubscriberId", "Kind", "ReceivedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "NewsletterBounces");

            migrationBuilder.DropTable(
                name: "NewsletterJobLeases");

            migrationBuilder.DropIndex(
                name: "IX_NewsletterSubscribers_SuppressedAt",
                table: "NewsletterSubscribers");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "NewsletterSubscribers");

            migrationBuilder.DropColumn(
                name: "SuppressionLiftedAt",
                table: "NewsletterSubscribers");
        }
    }
}
