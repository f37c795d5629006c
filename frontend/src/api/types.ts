// Shapes of the API's answers (src/shortvideo/api/views.py, account_views.py, billing).

export type Status =
  | "queued"
  | "scripting"
  | "script_generated"
  | "generating_video"
  | "video_generated"
  | "assembling"
  | "completed"
  | "failed"
  | "cancelled";

export const STATUSES: Status[] = [
  "queued",
  "scripting",
  "script_generated",
  "generating_video",
  "video_generated",
  "assembling",
  "completed",
  "failed",
  "cancelled",
];
export const TERMINAL: Status[] = ["completed", "failed", "cancelled"];

export const STYLES = [
  "cinematic",
  "anime",
  "realistic",
  "sketch",
  "cyberpunk",
  "vintage",
  "fantasy",
] as const;
export type Style = (typeof STYLES)[number];
export const LANGUAGES = ["en", "fr", "es"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LENGTHS = [64, 71, 78, 85] as const;
export const MAX_THEME_CHARS = 500;

export interface JobError {
  stage?: string | null;
  code?: string | null;
  message?: string | null;
}

export interface VideoSummary {
  video_id: string;
  theme: string | null;
  status: Status;
  created_at: string | null;
  updated_at: string | null;
  favorite: boolean;
  views: number;
  series_id: string | null;
  final_video_url?: string | null;
  thumbnail_url?: string | null;
  captions_url?: string | null;
  duration?: number | null;
  error?: JobError | null;
  cancelled_at?: string | null;
  style?: string | null;
  language?: string | null;
  character_id?: string | null;
}

export interface VideoDetail extends VideoSummary {
  style: string | null;
  language: string | null;
  character_id: string | null;
  music: string | null;
  voice: string | null;
  target_seconds: number | null;
  completed_blocks: number | null;
  total_blocks: number | null;
  next_retry_at: string | null;
  /** The settlement's refund once the video ended (credits or the free video back), else null. */
  refunded?: boolean | null;
}

export interface Listing {
  videos: VideoSummary[];
  limit: number;
  next_cursor: string | null;
}

export interface Created {
  video_id: string;
  status: Status;
  block_count: number;
  estimated_seconds: number;
  url: string;
}

export interface Me {
  uid: string;
  email: string | null;
  email_verified: boolean;
  display_name?: string | null;
  roles: string[];
  locale?: string | null;
}

export interface Offer {
  product: string;
  credits: number;
  amount: number;
  currency: string;
  kind: "pack" | "subscription";
}

export interface BillingStatus {
  plan: { product: string | null; status: string | null; cancel_at_period_end: boolean | null } | null;
  free_left_this_month: number;
  free_allowance: number;
  credits: number;
  renews_at: string | null;
  offers: Offer[];
}

export interface Pricing {
  free_videos_per_month: number;
  free_lengths: number[];
  credits_per_length: Record<string, number>;
  offers: Offer[];
  billing_enforced: boolean;
}

export interface Progress {
  video_id: string;
  status: Status;
  status_code: number;
  status_text: string;
  completed_blocks: number;
  total_blocks: number;
  percent: number;
  stage_timings: Record<string, { started_at: string | null; finished_at: string | null; seconds: number }>;
  eta_seconds: number | null;
  error: JobError | null;
  next_retry_at: string | null;
  final: boolean;
  updated_at: string | null;
}
