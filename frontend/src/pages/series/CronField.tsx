// When a series runs: every day / every weekday / some days, at a time, in a zone; or a cron
// line. The sentence under it is what the API will be given, in words.
import { Checkbox, Group, NativeSelect, Select, Stack, Text, TextInput } from "@mantine/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { currentLanguage } from "../../i18n";
import { dayName, describeCron, timeZones, toCron, WEEK, type CronChoice, type Frequency } from "./cron";

export function CronField({
  value,
  onChange,
  zone,
  onZone,
  error,
  zoneError,
}: {
  value: CronChoice;
  onChange: (value: CronChoice) => void;
  zone: string;
  onZone: (zone: string) => void;
  error?: string;
  zoneError?: string;
}) {
  const { t } = useTranslation("series");
  const lang = currentLanguage();
  const zones = useMemo(timeZones, []);
  const cron = toCron(value);
  const set = (patch: Partial<CronChoice>) => onChange({ ...value, ...patch });
  return (
    <Stack gap="xs">
      <Group grow align="flex-start" wrap="wrap">
        <NativeSelect
          label={t("form.frequency")}
          value={value.frequency}
          onChange={(e) => set({ frequency: e.currentTarget.value as Frequency })}
          data={(["daily", "weekdays", "weekly", "custom"] as const).map((f) => ({ value: f, label: t(`form.every.${f}`) }))}
          style={{ minWidth: 160 }}
        />
        {value.frequency === "custom" ? (
          <TextInput
            label={t("form.cron")}
            description={t("form.cronHint")}
            value={value.custom}
            onChange={(e) => set({ custom: e.currentTarget.value })}
            error={error}
            style={{ minWidth: 160 }}
            ff="monospace"
          />
        ) : (
          <TextInput
            type="time"
            label={t("form.time")}
            value={value.time}
            onChange={(e) => set({ time: e.currentTarget.value })}
            error={error}
            style={{ minWidth: 120 }}
          />
        )}
      </Group>
      {value.frequency === "weekly" && (
        <Checkbox.Group label={t("form.days")} value={value.days.map(String)} onChange={(days) => set({ days: days.map(Number) })}>
          <Group gap="sm" mt={4}>
            {WEEK.map((day) => (
              <Checkbox
                key={day}
                value={String(day)}
                label={dayName(day, lang, "short")}
                aria-label={dayName(day, lang)}
              />
            ))}
          </Group>
        </Checkbox.Group>
      )}
      <Select
        label={t("form.timeZone")}
        searchable
        data={zones}
        value={zone}
        onChange={(z) => onZone(z ?? "")}
        error={zoneError}
        nothingFoundMessage={t("form.noZone")}
        limit={50}
        allowDeselect={false}
      />
      {cron && zone && (
        <Text size="sm" c="dimmed" data-testid="cron-words" aria-live="polite">
          {t("form.runs", { when: describeCron(t, cron, zone, lang) })}
        </Text>
      )}
    </Stack>
  );
}
