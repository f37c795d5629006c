// A new character: described (the image model draws it) or an uploaded PNG/JPEG picture.
import { Button, FileInput, NativeSelect, SegmentedControl, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, ApiError } from "../../api/client";
import { keys } from "../../api/queries";
import { STYLES } from "../../api/types";
import { errorText } from "../../i18n/apiText";

export const MAX_NAME = 60;
export const MAX_DESCRIPTION = 600;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const IMAGE_TYPES = ["image/png", "image/jpeg"];

export interface CharacterDraft {
  mode: "describe" | "upload";
  name: string;
  description: string;
  style: string;
  image: File | null;
}

const FIELDS = ["name", "description", "style", "image"] as const;
type Field = (typeof FIELDS)[number];
type Errors = Partial<Record<Field, string>>;
const API_ERROR = "api";

/** Field errors as translation keys (empty: the draft can be sent). */
export function validateCharacter(draft: CharacterDraft): Errors {
  const errors: Errors = {};
  if (!draft.name.trim()) errors.name = "form.required";
  else if (draft.name.trim().length > MAX_NAME) errors.name = "form.tooLong";
  if (!draft.description.trim()) errors.description = "form.required";
  else if (draft.description.trim().length > MAX_DESCRIPTION) errors.description = "form.tooLong";
  if (draft.mode === "upload") {
    if (!draft.image) errors.image = "form.imageRequired";
    else if (!IMAGE_TYPES.includes(draft.image.type)) errors.image = "form.imageType";
    else if (draft.image.size > MAX_IMAGE_BYTES) errors.image = "form.imageSize";
  }
  return errors;
}

function body(draft: CharacterDraft): Record<string, unknown> | FormData {
  const fields = { name: draft.name.trim(), description: draft.description.trim(), style: draft.style };
  if (draft.mode === "describe") return fields;
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  form.set("image", draft.image as File);
  return form;
}

const EMPTY: CharacterDraft = { mode: "describe", name: "", description: "", style: "cinematic", image: null };

export function CharacterForm() {
  const { t } = useTranslation("characters");
  const client = useQueryClient();
  const [draft, setDraft] = useState<CharacterDraft>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const create = useMutation({
    mutationFn: (d: CharacterDraft) => api("/characters", { method: "POST", body: body(d) }),
    onSuccess: () => {
      setDraft(EMPTY);
      void client.invalidateQueries({ queryKey: keys.characters });
    },
    onError: (error) => {
      const field = error instanceof ApiError ? error.field : null;
      // The API names the field at fault: its sentence goes under that field.
      if (field && FIELDS.includes(field as Field)) setErrors({ [field]: API_ERROR });
    },
  });
  const set = <K extends keyof CharacterDraft>(key: K, value: CharacterDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateCharacter(draft);
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate(draft);
  };
  const apiError = create.isError ? errorText(t, create.error) : null;
  const fieldError = (key: Field) => {
    const found = errors[key];
    if (!found) return undefined;
    return found === API_ERROR ? apiError : t(found, { max: key === "name" ? MAX_NAME : MAX_DESCRIPTION });
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-character">
      <Stack gap="sm">
      <SegmentedControl
        aria-label={t("form.mode")}
        value={draft.mode}
        onChange={(mode) => set("mode", mode as CharacterDraft["mode"])}
        data={[
          { value: "describe", label: t("form.describe") },
          { value: "upload", label: t("form.upload") },
        ]}
      />
      <TextInput
        label={t("form.name")}
        required
        value={draft.name}
        maxLength={MAX_NAME + 20}
        onChange={(e) => set("name", e.currentTarget.value)}
        error={fieldError("name")}
      />
      <Textarea
        label={t("form.description")}
        description={t("form.descriptionHint", { count: draft.description.length, max: MAX_DESCRIPTION })}
        required
        rows={2}
        value={draft.description}
        onChange={(e) => set("description", e.currentTarget.value)}
        error={fieldError("description")}
      />
      <NativeSelect
        label={t("form.style")}
        value={draft.style}
        onChange={(e) => set("style", e.currentTarget.value)}
        data={STYLES.map((s) => ({ value: s, label: t(`common:style.${s}`) }))}
        error={fieldError("style")}
      />
      {draft.mode === "upload" && (
        <FileInput
          label={t("form.image")}
          description={t("form.imageHint")}
          required
          accept={IMAGE_TYPES.join(",")}
          value={draft.image}
          onChange={(file) => set("image", file)}
          error={fieldError("image")}
          clearable
        />
      )}
      {apiError && !Object.values(errors).includes(API_ERROR) && (
        <Text c="red" size="sm" role="alert">
          {apiError}
        </Text>
      )}
      <Button type="submit" loading={create.isPending} style={{ alignSelf: "flex-start" }}>
        {draft.mode === "describe" ? t("form.submitDraw") : t("form.submitUpload")}
      </Button>
      {create.isPending && draft.mode === "describe" && (
        <Text size="sm" c="dimmed" role="status">
          {t("form.drawing")}
        </Text>
      )}
    </Stack>
      </form>
  );
}
