// Create or edit a series: name, when, themes (a list used in turn, or a prompt), and the
// video's settings as on the Create page.
import { Button, Checkbox, NativeSelect, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { LANGUAGES, LENGTHS, STYLES } from "../../api/types";
import { errorText } from "../../i18n/apiText";
import { CharacterChoice, MusicChoice, VoiceChoice } from "../create/MediaChoices";
import { CronField } from "./CronField";
import type { SeriesSpec } from "./seriesApi";
import { FIELD_OF, MAX_THEME_CHARS, specOf, validateSeries, type SeriesErrors, type SeriesValues } from "./seriesForm";

export function SeriesForm({
  initial,
  onSubmit,
  submitting,
  error,
  submitLabel,
  editing = false,
}: {
  initial: SeriesValues;
  onSubmit: (spec: SeriesSpec) => void;
  submitting: boolean;
  error: unknown;
  submitLabel: string;
  editing?: boolean;
}) {
  const { t } = useTranslation("series");
  const [values, setValues] = useState<SeriesValues>(initial);
  const [errors, setErrors] = useState<SeriesErrors>({});
  const set = <K extends keyof SeriesValues>(key: K, value: SeriesValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateSeries(values);
    setErrors(found);
    if (Object.keys(found).length === 0) onSubmit(specOf(values));
  };
  // A refusal naming a field goes under that field; any other one under the button.
  const apiField = error instanceof ApiError && error.field ? FIELD_OF[error.field] : undefined;
  const message = (key: keyof SeriesErrors) =>
    errors[key] ? t(errors[key]!, { max: MAX_THEME_CHARS }) : apiField === key ? errorText(t, error) : undefined;

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
      <TextInput label={t("form.name")} required value={values.name} onChange={(e) => set("name", e.currentTarget.value)} error={message("name")} />
      <CronField
        value={values.cron}
        onChange={(cron) => set("cron", cron)}
        zone={values.timeZone}
        onZone={(zone) => set("timeZone", zone)}
        error={message("cron")}
        zoneError={message("timeZone")}
      />
      <SegmentedControl
        aria-label={t("form.themeMode")}
        value={values.themeMode}
        onChange={(mode) => set("themeMode", mode as SeriesValues["themeMode"])}
        data={[
          { value: "list", label: t("form.themeList") },
          { value: "prompt", label: t("form.themePrompt") },
        ]}
      />
      {values.themeMode === "list" ? (
        <Textarea
          label={t("form.themes")}
          description={t("form.themesHint")}
          required
          rows={3}
          value={values.themes}
          onChange={(e) => set("themes", e.currentTarget.value)}
          error={message("themes")}
        />
      ) : (
        <Textarea
          label={t("form.prompt")}
          description={t("form.promptHint")}
          required
          rows={2}
          value={values.themePrompt}
          onChange={(e) => set("themePrompt", e.currentTarget.value)}
          error={message("themePrompt")}
        />
      )}
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <NativeSelect label={t("form.style")} value={values.style} onChange={(e) => set("style", e.currentTarget.value)}
          data={STYLES.map((s) => ({ value: s, label: t(`common:style.${s}`) }))} />
        <NativeSelect label={t("form.language")} value={values.language} onChange={(e) => set("language", e.currentTarget.value)}
          data={LANGUAGES.map((l) => ({ value: l, label: t(`common:videoLanguage.${l}`) }))} />
        <NativeSelect label={t("form.length")} value={String(values.targetSeconds)}
          onChange={(e) => set("targetSeconds", Number(e.currentTarget.value))}
          data={LENGTHS.map((s) => ({ value: String(s), label: t("common:seconds", { count: s }) }))} />
      </SimpleGrid>
      <CharacterChoice value={values.characterId} onChange={(id) => set("characterId", id)} />
      <MusicChoice value={values.music} onChange={(id) => set("music", id)} />
      <VoiceChoice value={values.voice} onChange={(voice) => set("voice", voice)} />
      {editing && (
        <Checkbox label={t("form.paused")} checked={values.paused} onChange={(e) => set("paused", e.currentTarget.checked)} />
      )}
      {error !== null && error !== undefined && !apiField && (
        <Text c="red" size="sm" role="alert">{errorText(t, error)}</Text>
      )}
      <Button type="submit" loading={submitting} style={{ alignSelf: "flex-start" }}>{submitLabel}</Button>
    </Stack>
      </form>
  );
}
