// The ledger: every use and grant of credits and of the free video, newest first.
import { Table, Text, Title, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { formatDate } from "../../api/format";
import { EmptyState, QueryState } from "../../components/PageState";
import { currentLanguage } from "../../i18n";
import { reasonText, useBillingHistory } from "./billingApi";

export function History({ refetchInterval }: { refetchInterval?: () => number | false }) {
  const { t } = useTranslation("billing");
  const history = useBillingHistory(refetchInterval);
  const lang = currentLanguage();
  return (
    <Stack component="section" aria-labelledby="history-title">
      <Title order={2} size="h3" id="history-title">{t("history.title")}</Title>
      <QueryState
        query={history}
        isEmpty={(rows) => rows.length === 0}
        empty={<EmptyState title={t("history.empty")}>{t("history.emptyBody")}</EmptyState>}
      >
        {(rows) => (
          <Table.ScrollContainer minWidth={340}>
            <Table striped data-testid="history">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("history.when")}</Table.Th>
                  <Table.Th>{t("history.what")}</Table.Th>
                  <Table.Th ta="right">{t("history.change")}</Table.Th>
                  <Table.Th ta="right">{t("history.balance")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row, index) => (
                  <Table.Tr key={`${row.at}-${index}`}>
                    <Table.Td><Text size="sm">{formatDate(row.at, lang)}</Text></Table.Td>
                    <Table.Td><Text size="sm">{reasonText(t, row.reason)}</Text></Table.Td>
                    <Table.Td ta="right">
                      <Text size="sm" c={row.delta < 0 ? "red.8" : "green.9"} fw={600}>
                        {t(row.kind === "free" ? "history.freeDelta" : "history.creditDelta", {
                          count: Math.abs(row.delta),
                          sign: row.delta < 0 ? "−" : "+",
                        })}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right"><Text size="sm">{row.balance_after}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </Stack>
  );
}
